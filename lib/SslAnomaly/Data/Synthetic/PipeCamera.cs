namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// A camera looking down a circular pipe of radius 1. A wall point at angle θ and depth z (pipe radii
/// ahead of the camera) appears at radius f / z from the vanishing point; the vanishing point is off centre
/// (camera offset/tilt), the view is rolled, and a vertical squash stands in for perspective tilt. Image
/// coordinates are normalised: [-1, 1] across the frame, y down, so θ = π/2 is the pipe bottom.
/// </summary>
public sealed class PipeCamera(float focal, float centerX, float centerY, float roll, float squash, int resolution)
{
    readonly float cosRoll = MathF.Cos(roll), sinRoll = MathF.Sin(roll);

    public float Focal { get; } = focal;
    public int Resolution { get; } = resolution;
    /// <summary>Normalised units per pixel.</summary>
    public float PixelSize => 2f / Resolution;

    public static PipeCamera Random(SeededRandom rng, int resolution) => new(
        focal: rng.Uniform(0.55f, 0.8f),
        centerX: (float)(rng.NextGaussian() * 0.1),
        centerY: (float)(rng.NextGaussian() * 0.1 - 0.03),
        roll: (float)(rng.NextGaussian() * 0.08),
        squash: rng.Uniform(0.88f, 1.08f),
        resolution: resolution);

    /// <summary>Pixel centre -> offset from the vanishing point in pipe-aligned axes (before the squash is undone).</summary>
    public (float X, float Y) ToPipe(int px, int py)
    {
        float u = (px + 0.5f) * PixelSize - 1f - centerX;
        float v = (py + 0.5f) * PixelSize - 1f - centerY;
        float x = cosRoll * u + sinRoll * v;
        float y = -sinRoll * u + cosRoll * v;
        return (x, y / squash);
    }

    /// <summary>Pipe-aligned offset -> pixel coordinates (continuous; pixel centres at +0.5).</summary>
    public (float X, float Y) ToPixel(float x, float y)
    {
        y *= squash;
        float u = cosRoll * x - sinRoll * y + centerX;
        float v = sinRoll * x + cosRoll * y + centerY;
        return ((u + 1f) / PixelSize, (v + 1f) / PixelSize);
    }

    /// <summary>Where the wall point (θ, z) appears, in pixels.</summary>
    public (float X, float Y) Project(float theta, float z)
    {
        var r = Focal / z;
        return ToPixel(r * MathF.Cos(theta), r * MathF.Sin(theta));
    }

    /// <summary>Where a point inside the pipe (x, y across, z ahead) appears, in pixels.</summary>
    public (float X, float Y) ProjectPoint(float x, float y, float z) => ToPixel(Focal * x / z, Focal * y / z);

    /// <summary>Pixels per pipe radius at depth z (for sizing things).</summary>
    public float Scale(float z) => Focal / z / PixelSize;
}
