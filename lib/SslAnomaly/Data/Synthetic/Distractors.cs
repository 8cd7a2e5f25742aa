namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// Things real inspection frames show that are not defects, painted on every frame (defective or not) so
/// that "something unusual on the wall" is not by itself a defect: stains, formwork lines, mortar rings,
/// specks on the invert, lens droplets, and the on-screen text overlay of inspection cameras.
/// </summary>
public sealed class Distractors(SewerScene scene, Canvas canvas, SeededRandom rng)
{
    float Px => scene.Size / 64f;

    public void Paint()
    {
        var stains = rng.Pick([0.25, 0.3, 0.25, 0.12, 0.08]);
        for (int i = 0; i < stains; i++) Stain();
        if (rng.Chance(0.35)) FormLine();
        if (rng.Chance(0.3)) MortarRing();
        if (rng.Chance(0.4)) Specks();
        if (rng.Chance(0.08)) Droplet();
    }

    void Stain()
    {
        var theta = rng.Uniform(-MathF.PI, MathF.PI);
        if (!scene.AboveWater(theta, 0.1f)) theta = -MathF.PI / 2 + rng.Uniform(-1f, 1f);
        var z = rng.Uniform(0.8f, 3f);
        var c = scene.Camera.Project(theta, z);
        var scale = scene.Camera.Scale(z);
        var size = rng.Uniform(0.08f, 0.3f) * scale;
        (float, float, float)[] tints = [(0.35f, 0.22f, 0.12f), (0.25f, 0.3f, 0.18f), (0.15f, 0.14f, 0.13f), (0.6f, 0.58f, 0.5f)];
        var tint = tints[rng.NextInt(tints.Length)];
        var l = scene.Light(z, theta);
        var alpha = rng.Uniform(0.1f, 0.35f);
        var seed = (uint)rng.NextUInt64();
        // Stains run down the wall: stretched vertically in the image.
        canvas.Ellipse(c.X, c.Y, size, 0, 0, size * rng.Uniform(1f, 2.5f), (x, y, _, _, cov) =>
            canvas.Blend(x, y, tint.Item1 * l, tint.Item2 * l, tint.Item3 * l, cov * alpha),
            phi => 0.7f + 0.4f * Noise.Value(phi * 2f + 3, 0.5f, seed));
    }

    /// <summary>A faint straight line along the pipe (a formwork or extrusion mark): a crack look-alike.</summary>
    void FormLine()
    {
        var theta = rng.Uniform(-MathF.PI, MathF.PI);
        if (!scene.AboveWater(theta, 0.1f)) return;
        float z0 = rng.Uniform(0.7f, 1.5f), z1 = z0 + rng.Uniform(1f, 4f);
        var a = scene.Camera.Project(theta, z0);
        var b = scene.Camera.Project(theta, z1);
        var shade = rng.Chance(0.5) ? 0.12f : 0.8f;
        canvas.Segment(a.X, a.Y, b.X, b.Y, Px * 0.7f, shade * scene.Exposure, shade * scene.Exposure, shade * scene.Exposure, rng.Uniform(0.08f, 0.22f));
    }

    /// <summary>A lighter, well-sealed joint: a ring that is not a defect.</summary>
    void MortarRing()
    {
        var z = scene.Joint(rng.NextInt(1, 3));
        var points = new List<(float, float)>();
        for (var t = -MathF.PI; t <= MathF.PI + 0.01f; t += 0.12f)
            if (scene.AboveWater(t)) points.Add(scene.Camera.Project(t, z));
            else if (points.Count > 1) { Stroke(points, z); points.Clear(); }
            else points.Clear();
        Stroke(points, z);
    }

    void Stroke(List<(float, float)> points, float z)
    {
        if (points.Count < 2) return;
        var l = scene.Light(z, 0) * 0.8f;
        canvas.Polyline(points, Px * 0.8f, l, l * 0.97f, l * 0.9f, 0.3f);
    }

    /// <summary>Small debris specks on the invert: too small to be an obstacle.</summary>
    void Specks()
    {
        var floor = MathF.Min(scene.WaterHeight, 0.97f);
        for (int i = 0, n = rng.NextInt(2, 8); i < n; i++)
        {
            var z = rng.Uniform(0.8f, 3f);
            var lateral = rng.Uniform(-0.4f, 0.4f) * MathF.Sqrt(MathF.Max(0.05f, 1 - floor * floor));
            var (x, y) = scene.Camera.ProjectPoint(lateral, floor, z);
            canvas.Ellipse(x, y, Px * 0.6f, 0, 0, Px * 0.45f, (px, py, _, _, cov) => canvas.Shade(px, py, 0.4f, cov * 0.7f));
        }
    }

    /// <summary>A water drop on the lens: a soft bright blur.</summary>
    void Droplet()
    {
        float cx = rng.Uniform(0, scene.Size), cy = rng.Uniform(0, scene.Size), r = rng.Uniform(3f, 9f) * Px;
        canvas.Ellipse(cx, cy, r, 0, 0, r, (x, y, a, b, cov) =>
        {
            var glow = 0.35f * (1 - (a * a + b * b));
            canvas.Blend(x, y, 0.85f, 0.85f, 0.8f, cov * glow);
        });
    }

    /// <summary>
    /// The camera's on-screen text (distance, date) on half of the frames: rows of blocky glyphs at the top
    /// or bottom. Painted after the camera's tone curve and noise, as real overlays are.
    /// </summary>
    public void PaintOverlay()
    {
        if (!rng.Chance(0.5)) return;
        var glyph = Math.Max(1, (int)MathF.Round(Px));
        var lines = rng.NextInt(1, 3);
        var top = rng.Chance(0.5);
        var bright = rng.Uniform(0.75f, 1f);
        for (int line = 0; line < lines; line++)
        {
            var y0 = top ? 2 * glyph + line * 7 * glyph : scene.Size - (lines - line) * 7 * glyph - glyph;
            var x = 2 * glyph + rng.NextInt(0, 4) * glyph;
            for (int ch = 0, n = rng.NextInt(4, 12); ch < n && x + 4 * glyph < scene.Size; ch++, x += 4 * glyph)
            {
                if (rng.Chance(0.15)) continue; // a space
                var bits = rng.NextUInt64();
                for (int gy = 0; gy < 5; gy++)
                    for (int gx = 0; gx < 3; gx++)
                        if (((bits >> (gy * 3 + gx)) & 1) != 0)
                            for (int dy = 0; dy < glyph; dy++)
                                for (int dx = 0; dx < glyph; dx++)
                                {
                                    canvas.Blend(x + gx * glyph + dx + 1, y0 + gy * glyph + dy + 1, 0, 0, 0, 0.6f);
                                    canvas.Blend(x + gx * glyph + dx, y0 + gy * glyph + dy, bright, bright, bright, 1);
                                }
            }
        }
    }
}
