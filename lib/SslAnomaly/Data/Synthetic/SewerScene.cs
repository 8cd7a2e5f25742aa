namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// The geometry and look of one frame: pipe material, joints, lighting, water, and the defects that change
/// geometry (deformation DE, displaced joint FS, settled deposits AF). <see cref="PaintBase"/> ray-casts
/// every pixel against the pipe wall, the water surface and the deposit surface; everything else is
/// painted on top by <see cref="DefectPainter"/> and <see cref="Distractors"/>.
/// </summary>
public sealed class SewerScene
{
    const float TwoPi = MathF.PI * 2;
    const int TexturePeriod = 32; // a power of two: the noise wraps with a mask

    public required PipeCamera Camera { get; init; }
    public required uint Seed { get; init; }
    /// <summary>Linear RGB of the wall material.</summary>
    public required (float R, float G, float B) Wall { get; init; }
    public required float TextureContrast { get; init; }
    public required float TextureScale { get; init; }
    public required float JointSpacing { get; init; }
    public required float JointPhase { get; init; }
    public required float JointWidth { get; init; }
    public required float JointDarkness { get; init; }
    public required float LightReach { get; init; }
    public required float Exposure { get; init; }
    public required float HotspotAngle { get; init; }
    public required float HotspotStrength { get; init; }
    /// <summary>Water surface height below the axis (pipe radii, y down); ≥ 1 means dry.</summary>
    public required float WaterHeight { get; init; }
    public required (float R, float G, float B) Water { get; init; }
    public required float WaterSpecular { get; init; }
    /// <summary>
    /// Size multiplier of every defect's extent and stroke width (1 = the generator-v1 look). Geometry is given
    /// as fractions of the frame, so a defect's share of the frame is the same at every resolution; a larger
    /// scale keeps thin defects (cracks, roots, seams) wider than a pixel when frames are rendered small.
    /// </summary>
    public float DefectScale { get; init; } = 1f;

    // Geometry-changing defects (null/zero when absent).
    public Deformation? Deform { get; init; }
    public DisplacedJoint? Displaced { get; init; }
    public DepositBed? Deposit { get; init; }

    /// <summary>DE: the wall pushed in around angle <see cref="Angle"/> at depth <see cref="Depth"/>.</summary>
    public sealed record Deformation(float Angle, float Depth, float Amount, float Width);
    /// <summary>FS: the pipe beyond joint depth <see cref="Depth"/> is offset by (DX, DY) pipe radii.</summary>
    public sealed record DisplacedJoint(float Depth, float DX, float DY);
    /// <summary>AF: a sediment bed at height <see cref="Height"/> between depths Start and End.</summary>
    public sealed record DepositBed(float Height, float Start, float End, (float R, float G, float B) Color);

    public int Size => Camera.Resolution;
    public bool HasWater => WaterHeight < 1f;

    /// <summary>Depth of the n-th joint ahead of the camera (n ≥ 0).</summary>
    public float Joint(int n) => JointPhase + n * JointSpacing;

    /// <summary>Is the wall at angle θ above the water (and far enough from it by <paramref name="margin"/>)?</summary>
    public bool AboveWater(float theta, float margin = 0) => MathF.Sin(theta) < WaterHeight - margin;

    /// <summary>Headlamp falloff with depth (inverse-square-like) and a brighter side.</summary>
    public float Light(float z, float theta)
    {
        var reach = z / LightReach;
        return Exposure / (1 + reach * reach) * (1 + HotspotStrength * MathF.Cos(theta - HotspotAngle));
    }

    /// <summary>Ray-casts every pixel: wall (with texture, joints, FS step), deposit bed, water.</summary>
    public void PaintBase(Canvas canvas)
    {
        var px = canvas.Pixels;
        var f = Camera.Focal;
        for (int py = 0; py < Size; py++)
            for (int pxi = 0; pxi < Size; pxi++)
            {
                var (x, y) = Camera.ToPipe(pxi, py);
                if (Deform is { } de) (x, y) = Warp(de, x, y);
                var r = MathF.Max(MathF.Sqrt(x * x + y * y), 1e-4f);
                var zWall = f / r;
                var (cr, cg, cb) = WallColor(x, y, r, zWall);
                if (y > 1e-5f)
                {
                    // Surfaces below the axis: the plane at height h is hit at depth f·h/y, if before the wall.
                    var zBed = Deposit is { } bed ? f * bed.Height / y : float.MaxValue;
                    var zWater = HasWater ? f * WaterHeight / y : float.MaxValue;
                    if (Deposit is { } d && zBed < zWall && OnBed(d, x, y, zBed))
                        (cr, cg, cb) = BedColor(d, x / y * d.Height, zBed);
                    else if (zWater < zWall)
                        (cr, cg, cb) = WaterColor(x / y * WaterHeight, zWater);
                }
                var i = (py * Size + pxi) * 3;
                px[i] = cr;
                px[i + 1] = cg;
                px[i + 2] = cb;
            }
    }

    /// <summary>DE: pixels near the deformed ring look up a nearer depth, so the wall appears pushed inwards.</summary>
    static (float, float) Warp(Deformation de, float x, float y)
    {
        var r = MathF.Sqrt(x * x + y * y);
        if (r < 1e-4f) return (x, y);
        var facing = MathF.Max(0, (x * MathF.Cos(de.Angle) + y * MathF.Sin(de.Angle)) / r);
        var ring = (r - de.Depth) / de.Width;
        var k = 1 + de.Amount * facing * facing * facing * MathF.Exp(-ring * ring);
        return (x * k, y * k);
    }

    (float, float, float) WallColor(float x, float y, float r, float z)
    {
        if (Displaced is { } fs && z > fs.Depth)
        {
            // Beyond the displaced joint the ray either meets the step face or the offset pipe's wall.
            var f = Camera.Focal;
            float dx = x / f, dy = y / f;
            float qx = dx * fs.Depth - fs.DX, qy = dy * fs.Depth - fs.DY;
            if (qx * qx + qy * qy > 1)
            {
                var l = Light(fs.Depth, MathF.Atan2(y, x)) * 0.55f;
                return (Wall.R * l, Wall.G * l, Wall.B * l);
            }
            // |t·d − δ| = 1 for the far pipe: the larger root of a quadratic in t.
            var a = dx * dx + dy * dy;
            var b = dx * fs.DX + dy * fs.DY;
            var c = fs.DX * fs.DX + fs.DY * fs.DY - 1;
            var t = (b + MathF.Sqrt(MathF.Max(0, b * b - a * c))) / MathF.Max(a, 1e-8f);
            return Surface(MathF.Atan2(dy * t - fs.DY, dx * t - fs.DX), t, r, inFarPipe: true);
        }
        return Surface(MathF.Atan2(y, x), z, r, inFarPipe: false);
    }

    /// <summary>Textured, jointed, lit wall at (θ, z).</summary>
    (float, float, float) Surface(float theta, float z, float r, bool inFarPipe)
    {
        var f = Camera.Focal;
        // Depth covered by one pixel here: textures and joints fade rather than alias in the distance.
        var dz = z * z / f * Camera.PixelSize;
        var shade = 1 + TextureContrast * 1.6f * Texture(theta, z, r, dz);

        var q = (z - JointPhase) / JointSpacing;
        var dj = MathF.Abs(q - MathF.Round(q)) * JointSpacing;
        var coverage = Math.Clamp((JointWidth * 0.5f + dz * 0.5f - dj) / MathF.Max(dz, 1e-4f), 0, MathF.Min(1, JointWidth / MathF.Max(dz, 1e-4f)));
        shade *= 1 - JointDarkness * coverage;
        if (Displaced is { } fs && !inFarPipe)
        {
            // Dark gap at the displaced joint itself.
            var gap = Math.Clamp((0.05f + dz * 0.5f - MathF.Abs(z - fs.Depth)) / MathF.Max(dz, 1e-4f), 0, 1);
            shade *= 1 - 0.8f * gap;
        }
        var l = Light(z, theta) * shade;
        return (Wall.R * l, Wall.G * l, Wall.B * l);
    }

    /// <summary>
    /// Fractal wall texture in [-0.5, 0.5], periodic around the pipe. Each octave fades out where its texels
    /// shrink below about two pixels, along the pipe (depth per pixel dz) or around it (2πr px per turn):
    /// without this the far end fills with moiré spokes.
    /// </summary>
    float Texture(float theta, float z, float r, float dz)
    {
        float u = (theta / TwoPi + 0.5f) * TexturePeriod, v = z * TextureScale;
        var pixelsAround = TwoPi * r / Camera.PixelSize / TexturePeriod;
        var pixelsAlong = 1 / MathF.Max(dz * TextureScale, 1e-6f);
        float sum = 0, amplitude = 0.5f, norm = 0;
        int period = TexturePeriod;
        for (int o = 0; o < 3; o++)
        {
            norm += amplitude;
            var fade = Math.Clamp(MathF.Min(pixelsAround, pixelsAlong) - 1f, 0, 1);
            if (fade > 0) sum += amplitude * fade * (Noise.ValuePeriodicX(u, v, period, Seed + (uint)o * 0x9E3779B9u) - 0.5f);
            u *= 2;
            v = v * 2 + 7.3f;
            period *= 2;
            pixelsAround *= 0.5f;
            pixelsAlong *= 0.5f;
            amplitude *= 0.5f;
        }
        return sum / norm;
    }

    bool OnBed(DepositBed bed, float x, float y, float z)
    {
        // Ragged ends: the bed's start and end wander with the lateral position.
        var lateral = x / y * bed.Height;
        var wobble = (Noise.Value(lateral * 3f, 0.5f, Seed ^ 0xBEDu) - 0.5f) * 0.5f;
        return z > bed.Start + wobble && z < bed.End + wobble;
    }

    (float, float, float) BedColor(DepositBed bed, float lateral, float z)
    {
        var grain = Noise.Fbm(lateral * 9f, z * 9f, Seed ^ 0x5A4Du, 3);
        var l = Light(z, MathF.PI / 2) * (0.75f + 0.6f * grain);
        return (bed.Color.R * l, bed.Color.G * l, bed.Color.B * l);
    }

    (float, float, float) WaterColor(float lateral, float z)
    {
        var ripple = Noise.Fbm(lateral * 6f, z * 2.5f, Seed ^ 0x3A7Eu, 2);
        var l = Light(z, MathF.PI / 2) * (0.7f + 0.5f * ripple);
        // The headlamp's reflection: a bright streak down the middle of the water.
        var spec = WaterSpecular * MathF.Exp(-lateral * lateral * 12f) * MathF.Exp(-z * 0.4f) * ripple * ripple * 2f;
        return (Water.R * l + spec, Water.G * l + spec, Water.B * l + spec * 0.9f);
    }
}
