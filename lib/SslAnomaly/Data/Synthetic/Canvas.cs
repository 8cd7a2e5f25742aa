namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// A float RGB image (HWC, values nominally in [0, 1]) with the few anti-aliased primitives the renderer
/// needs. Every primitive touches only its bounding box, which keeps rendering fast.
/// </summary>
public sealed class Canvas(int size)
{
    public int Size { get; } = size;
    public float[] Pixels { get; } = new float[size * size * 3];

    public void Blend(int x, int y, float r, float g, float b, float alpha)
    {
        if ((uint)x >= (uint)Size || (uint)y >= (uint)Size || alpha <= 0) return;
        if (alpha > 1) alpha = 1;
        var i = (y * Size + x) * 3;
        var p = Pixels;
        p[i] += (r - p[i]) * alpha;
        p[i + 1] += (g - p[i + 1]) * alpha;
        p[i + 2] += (b - p[i + 2]) * alpha;
    }

    /// <summary>Multiplies a pixel's colour (shading, shadows), weighted by alpha.</summary>
    public void Shade(int x, int y, float factor, float alpha)
    {
        if ((uint)x >= (uint)Size || (uint)y >= (uint)Size || alpha <= 0) return;
        if (alpha > 1) alpha = 1;
        var i = (y * Size + x) * 3;
        var k = 1 + (factor - 1) * alpha;
        Pixels[i] *= k;
        Pixels[i + 1] *= k;
        Pixels[i + 2] *= k;
    }

    public (float R, float G, float B) Get(int x, int y)
    {
        x = Math.Clamp(x, 0, Size - 1);
        y = Math.Clamp(y, 0, Size - 1);
        var i = (y * Size + x) * 3;
        return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    /// <summary>A line segment of the given width (pixels) with a soft one-pixel edge.</summary>
    public void Segment(float x0, float y0, float x1, float y1, float width, float r, float g, float b, float alpha)
    {
        var half = width / 2;
        int minX = (int)MathF.Floor(MathF.Min(x0, x1) - half - 1), maxX = (int)MathF.Ceiling(MathF.Max(x0, x1) + half + 1);
        int minY = (int)MathF.Floor(MathF.Min(y0, y1) - half - 1), maxY = (int)MathF.Ceiling(MathF.Max(y0, y1) + half + 1);
        ClipBox(ref minX, ref minY, ref maxX, ref maxY);
        float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        // Thin lines fade out instead of aliasing: coverage of a width-w line is about w.
        var strength = alpha * MathF.Min(1f, width);
        half = MathF.Max(half, 0.5f);
        for (int y = minY; y <= maxY; y++)
            for (int x = minX; x <= maxX; x++)
            {
                float px = x + 0.5f - x0, py = y + 0.5f - y0;
                var t = len2 > 0 ? Math.Clamp((px * dx + py * dy) / len2, 0f, 1f) : 0f;
                float ex = px - t * dx, ey = py - t * dy;
                var d = MathF.Sqrt(ex * ex + ey * ey);
                var coverage = Math.Clamp(half - d + 0.5f, 0f, 1f);
                if (coverage > 0) Blend(x, y, r, g, b, coverage * strength);
            }
    }

    public void Polyline(IReadOnlyList<(float X, float Y)> points, float width, float r, float g, float b, float alpha)
    {
        for (int i = 1; i < points.Count; i++)
            Segment(points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y, width, r, g, b, alpha);
    }

    /// <summary>
    /// Calls <paramref name="paint"/> for every pixel of the ellipse centre + α·a + β·b (α² + β² ≤ 1), with
    /// (α, β) and an edge coverage in [0, 1]; the edge may be roughened by <paramref name="edge"/>(angle) ≥ 0.
    /// </summary>
    public void Ellipse(float cx, float cy, float ax, float ay, float bx, float by, Action<int, int, float, float, float> paint, Func<float, float>? edge = null)
    {
        var det = ax * by - ay * bx;
        if (MathF.Abs(det) < 1e-6f) return;
        var extentX = MathF.Sqrt(ax * ax + bx * bx) * 1.5f + 1.5f;
        var extentY = MathF.Sqrt(ay * ay + by * by) * 1.5f + 1.5f;
        int minX = (int)(cx - extentX), maxX = (int)(cx + extentX), minY = (int)(cy - extentY), maxY = (int)(cy + extentY);
        ClipBox(ref minX, ref minY, ref maxX, ref maxY);
        // Width of one pixel in (α, β) units, for a soft edge.
        var pixel = 1f / MathF.Max(1f, MathF.Min(MathF.Sqrt(ax * ax + ay * ay), MathF.Sqrt(bx * bx + by * by)));
        for (int y = minY; y <= maxY; y++)
            for (int x = minX; x <= maxX; x++)
            {
                float qx = x + 0.5f - cx, qy = y + 0.5f - cy;
                var alpha = (qx * by - qy * bx) / det;
                var beta = (ax * qy - ay * qx) / det;
                var rho = MathF.Sqrt(alpha * alpha + beta * beta);
                var limit = edge is null ? 1f : edge(MathF.Atan2(beta, alpha));
                var coverage = Math.Clamp((limit - rho) / pixel + 0.5f, 0f, 1f);
                if (coverage > 0) paint(x, y, alpha, beta, coverage);
            }
    }

    void ClipBox(ref int minX, ref int minY, ref int maxX, ref int maxY)
    {
        minX = Math.Max(minX, 0);
        minY = Math.Max(minY, 0);
        maxX = Math.Min(maxX, Size - 1);
        maxY = Math.Min(maxY, Size - 1);
    }
}
