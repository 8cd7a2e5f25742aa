namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// Paints one Sewer-ML defect class onto a frame. How each code is drawn (severity s in [0.35, 1] scales
/// size and contrast, so some defects are subtle):
/// <list type="table">
/// <item>RB cracks/breaks: a dark random-walk fissure (sometimes branched) on the wall.</item>
/// <item>OB surface damage: a rough patch of exposed aggregate with pits.</item>
/// <item>PF production error: a longitudinal seam (light/dark ridge) with a lump.</item>
/// <item>DE deformation: the wall pushed inwards (geometry warp in <see cref="SewerScene"/>) plus a crease.</item>
/// <item>FS displaced joint: the pipe beyond a joint offset, showing the step face (in <see cref="SewerScene"/>).</item>
/// <item>IS intruding sealing: a dark rubber ring sagging into the pipe at a joint.</item>
/// <item>RO roots: a tangle of pale strands growing from a joint.</item>
/// <item>IN infiltration: wet, glinting streaks running down from a joint.</item>
/// <item>AF settled deposits: a sediment bed on the invert (in <see cref="SewerScene"/>).</item>
/// <item>BE attached deposits: crusty blobs (scale, grease) stuck to the wall.</item>
/// <item>FO obstacle: a brick/stone/debris object lying in the pipe.</item>
/// <item>GR branch pipe: a clean lateral opening.  PH chiselled connection: a jagged opening with rubble.</item>
/// <item>PB drilled connection: a small round hole.  OS lateral reinstatement cut: an opening half-covered by a cut liner flap.</item>
/// <item>OP transition profile: an opening with a lighter collar.  OK construction change: a squarish opening in a repair patch.</item>
/// </list>
/// Normal frames get look-alikes of several of these from <see cref="Distractors"/>.
/// </summary>
public sealed class DefectPainter(SewerScene scene, Canvas canvas, SeededRandom rng)
{
    /// <summary>Pixel sizes are given for 64 px frames and scaled with the resolution.</summary>
    float Px => scene.Size / 64f;
    /// <summary>How much larger than the v1 look every defect is drawn (<see cref="SewerScene.DefectScale"/>).</summary>
    float K => scene.DefectScale;
    /// <summary>Stroke widths and stroke jitter: scaled with the resolution and the defect scale.</summary>
    float Line => Px * K;

    public void Paint(string code, float s)
    {
        switch (code)
        {
            case "RB": Crack(s); break;
            case "OB": SurfaceDamage(s); break;
            case "PF": Seam(s); break;
            case "DE": Crease(s); break;
            case "FS": break; // Entirely geometric (SewerScene.Displaced).
            case "IS": Sealing(s); break;
            case "RO": Roots(s); break;
            case "IN": Infiltration(s); break;
            case "AF": break; // Entirely geometric (SewerScene.Deposit).
            case "BE": Encrustation(s); break;
            case "FO": Obstacle(s); break;
            case "GR": case "PH": case "PB": case "OS": case "OP": case "OK": Connection(code, s); break;
            default: throw new ArgumentException($"unknown code {code}", nameof(code));
        }
    }

    /// <summary>A random wall angle above the water line (with a margin), favouring the upper half.</summary>
    float WallAngle(float margin)
    {
        for (int i = 0; i < 24; i++)
        {
            var theta = rng.Uniform(-MathF.PI, MathF.PI);
            if (scene.AboveWater(theta, margin)) return theta;
        }
        return -MathF.PI / 2;
    }

    (float R, float G, float B) Lit((float R, float G, float B) c, float z, float theta)
    {
        var l = scene.Light(z, theta);
        return (c.R * l, c.G * l, c.B * l);
    }

    /// <summary>Image ellipse of a wall patch: centre, half-axis across (angle ρθ) and along the pipe (ρz).</summary>
    (float Cx, float Cy, float Ax, float Ay, float Bx, float By) WallPatch(float theta, float z, float rhoTheta, float rhoZ)
    {
        var c = scene.Camera.Project(theta, z);
        var a0 = scene.Camera.Project(theta - rhoTheta, z);
        var a1 = scene.Camera.Project(theta + rhoTheta, z);
        var b0 = scene.Camera.Project(theta, z - rhoZ);
        var b1 = scene.Camera.Project(theta, MathF.Max(z + rhoZ, z * 1.01f));
        return (c.X, c.Y, (a1.X - a0.X) / 2, (a1.Y - a0.Y) / 2, (b1.X - b0.X) / 2, (b1.Y - b0.Y) / 2);
    }

    void Crack(float s)
    {
        var theta = WallAngle(0.15f);
        var z = rng.Uniform(0.75f, 2.0f);
        var alongPipe = rng.Chance(0.6);
        var steps = 5 + (int)(9 * s);
        var color = Lit((0.05f, 0.045f, 0.04f), z, theta);
        var width = MathF.Max(0.7f, (0.5f + 1.1f * s) * Line * 1.4f / z);
        var alpha = 0.45f + 0.5f * s;
        var path = Walk(theta, z, steps, alongPipe);
        canvas.Polyline(path, width, color.R, color.G, color.B, alpha);
        if (rng.Chance(0.4 * s))
        {
            var from = path[rng.NextInt(path.Count)];
            var branch = new List<(float, float)> { from };
            float bx = from.X, by = from.Y;
            for (int i = 0; i < steps / 2; i++)
            {
                bx += rng.Uniform(-1.5f, 1.5f) * Line;
                by += rng.Uniform(-1.5f, 1.5f) * Line;
                branch.Add((bx, by));
            }
            canvas.Polyline(branch, width * 0.7f, color.R, color.G, color.B, alpha * 0.8f);
        }
    }

    /// <summary>A jagged path on the wall, mostly along the pipe or around it.</summary>
    List<(float X, float Y)> Walk(float theta, float z, int steps, bool alongPipe)
    {
        var points = new List<(float, float)> { scene.Camera.Project(theta, z) };
        for (int i = 0; i < steps; i++)
        {
            if (alongPipe)
            {
                z += rng.Uniform(0.04f, 0.12f) * K;
                theta += rng.Uniform(-0.06f, 0.06f);
            }
            else
            {
                theta += rng.Uniform(0.03f, 0.09f) * K;
                z += rng.Uniform(-0.04f, 0.04f);
            }
            points.Add(scene.Camera.Project(theta, MathF.Max(z, 0.6f)));
        }
        return points;
    }

    void SurfaceDamage(float s)
    {
        var theta = WallAngle(0.25f);
        var z = rng.Uniform(0.75f, 1.8f);
        var rho = rng.Uniform(0.14f, 0.32f) * (0.7f + 0.5f * s) * K;
        var (cx, cy, ax, ay, bx, by) = WallPatch(theta, z, rho, rho * rng.Uniform(0.8f, 1.6f));
        var seed = (uint)rng.NextUInt64();
        // Exposed aggregate: lighter, grainy, with dark pits.
        var aggregate = Lit((0.72f, 0.68f, 0.6f), z, theta);
        canvas.Ellipse(cx, cy, ax, ay, bx, by, (x, y, _, _, cov) =>
        {
            var n = Noise.Value(x * 0.9f / Px, y * 0.9f / Px, seed);
            if (n > 0.7f) canvas.Shade(x, y, 0.3f, cov * (0.6f + 0.4f * s));
            else canvas.Blend(x, y, aggregate.R * (0.8f + 0.5f * n), aggregate.G * (0.8f + 0.5f * n), aggregate.B * (0.8f + 0.5f * n), cov * (0.45f + 0.45f * s));
        }, phi => 0.8f + 0.35f * Noise.Value(phi * 2.5f + 10, 0.5f, seed));
    }

    void Seam(float s)
    {
        var theta = WallAngle(0.2f);
        float z0 = rng.Uniform(0.7f, 1.4f), z1 = z0 + rng.Uniform(0.8f, 2.5f) * K;
        var seed = (uint)rng.NextUInt64();
        var light = new List<(float, float)>();
        var dark = new List<(float, float)>();
        for (var z = z0; z <= z1; z += 0.1f)
        {
            var wobble = (Noise.Value(z * 4, 1.5f, seed) - 0.5f) * 0.03f;
            light.Add(scene.Camera.Project(theta + wobble, z));
            dark.Add(scene.Camera.Project(theta + wobble + 0.035f, z));
        }
        var a = 0.3f + 0.4f * s;
        canvas.Polyline(light, Line * 0.9f, 0.85f, 0.82f, 0.78f, a * scene.Exposure);
        canvas.Polyline(dark, Line * 0.9f, 0.05f, 0.05f, 0.05f, a);
        var lump = z0 + (z1 - z0) * rng.NextFloat();
        var (cx, cy, ax, ay, bx, by) = WallPatch(theta + 0.02f, lump, (0.06f + 0.05f * s) * K, 0.12f * K);
        canvas.Ellipse(cx, cy, ax, ay, bx, by, (x, y, _, beta, cov) => canvas.Shade(x, y, beta < 0 ? 1.35f : 0.6f, cov * a));
    }

    void Crease(float s)
    {
        if (scene.Deform is not { } de) return;
        // A faint fold line along the middle of the deformation.
        var z = scene.Camera.Focal / de.Depth;
        var points = new List<(float, float)>();
        for (var t = -0.5f; t <= 0.5f; t += 0.1f) points.Add(scene.Camera.Project(de.Angle + t, z * 0.97f));
        canvas.Polyline(points, Line * 0.9f, 0.05f, 0.05f, 0.05f, 0.3f + 0.4f * s);
    }

    /// <summary>A joint near enough to show what grows or leaks there (0.8..2.2 radii ahead).</summary>
    float VisibleJoint()
    {
        var candidates = Enumerable.Range(0, 4).Select(scene.Joint).Where(z => z is > 0.8f and < 2.2f).ToArray();
        var pick = rng.Uniform(0.9f, 1.8f); // drawn either way, so the stream does not depend on the scene
        return candidates.Length == 0 ? pick : candidates[rng.NextInt(candidates.Length)];
    }

    void Sealing(float s)
    {
        var zj = VisibleJoint();
        var center = WallAngle(0.3f);
        var span = MathF.Min(rng.Uniform(0.8f, 2.0f) * (0.7f + 0.4f * s) * K, 5f);
        var sag = MathF.Min(rng.Uniform(0.08f, 0.18f) * (0.6f + 0.6f * s) * K, 0.45f);
        var color = Lit((0.07f, 0.07f, 0.07f), zj, center);
        var f = scene.Camera.Focal;
        // Points inside the pipe at depth zj and radius 1 − sag(θ) project between f(1 − sag)/zj and f/zj.
        for (int y = 0; y < scene.Size; y++)
            for (int x = 0; x < scene.Size; x++)
            {
                var (u, v) = scene.Camera.ToPipe(x, y);
                var r = MathF.Sqrt(u * u + v * v) * zj / f;
                if (r > 1.02f || r < 1 - sag * 1.3f) continue;
                var d = MathF.Abs(AngleDiff(MathF.Atan2(v, u), center));
                if (d > span / 2) continue;
                var depth = sag * MathF.Cos(d / span * MathF.PI);
                var cov = Math.Clamp((r - (1 - depth)) * scene.Size * f / zj, 0, 1);
                var edge = r - (1 - depth) < 0.02f ? 1.8f : 1f;
                canvas.Blend(x, y, color.R * edge, color.G * edge, color.B * edge, cov * (0.6f + 0.4f * s));
            }
    }

    static float AngleDiff(float a, float b)
    {
        var d = a - b;
        while (d > MathF.PI) d -= 2 * MathF.PI;
        while (d < -MathF.PI) d += 2 * MathF.PI;
        return d;
    }

    void Roots(float s)
    {
        var zj = VisibleJoint();
        var theta = WallAngle(0.2f);
        var origin = scene.Camera.Project(theta, zj);
        var toCenter = scene.Camera.Project(theta, 40f);
        float dirX = toCenter.X - origin.X, dirY = toCenter.Y - origin.Y;
        var len = MathF.Max(1e-3f, MathF.Sqrt(dirX * dirX + dirY * dirY));
        dirX /= len;
        dirY /= len;
        var reach = scene.Camera.Scale(zj) * rng.Uniform(0.25f, 0.6f) * (0.5f + 0.6f * s) * K;
        var strands = 5 + (int)(9 * s);
        var color = Lit((0.78f, 0.7f, 0.52f), zj, theta);
        for (int k = 0; k < strands; k++)
        {
            float x = origin.X + rng.Uniform(-1.5f, 1.5f) * Line, y = origin.Y + rng.Uniform(-1.5f, 1.5f) * Line;
            var heading = MathF.Atan2(dirY + 0.5f, dirX) + rng.Uniform(-0.9f, 0.9f);
            var points = new List<(float, float)> { (x, y) };
            var steps = 4 + rng.NextInt(6);
            for (int i = 0; i < steps; i++)
            {
                heading += rng.Uniform(-0.6f, 0.6f);
                x += MathF.Cos(heading) * reach / steps;
                y += MathF.Sin(heading) * reach / steps + 0.3f * Line;
                points.Add((x, y));
            }
            var shade = rng.Uniform(0.7f, 1.2f);
            canvas.Polyline(points, Line * rng.Uniform(0.5f, 1.3f), color.R * shade, color.G * shade, color.B * shade, 0.55f + 0.4f * s);
        }
    }

    void Infiltration(float s)
    {
        var zj = VisibleJoint();
        var start = -MathF.PI / 2 + rng.Uniform(-1.2f, 1.2f);
        // Water runs round the wall towards the invert (θ = π/2) on the nearer side.
        var direction = MathF.Cos(start) >= 0 ? 1f : -1f;
        var points = new List<(float, float)>();
        for (var t = 0f; t < MathF.PI; t += 0.08f)
        {
            var theta = start + direction * t;
            if (!scene.AboveWater(theta, 0.02f)) break;
            points.Add(scene.Camera.Project(theta, zj + 0.04f + 0.02f * MathF.Sin(t * 7)));
        }
        // Wet wall glints: brighter than the wall around it, not white.
        var glint = scene.Light(zj, start) * (0.7f + 0.4f * s);
        canvas.Polyline(points, Line * (0.8f + 1.2f * s), 0.8f * glint, 0.85f * glint, 0.9f * glint, 0.35f + 0.35f * s);
        for (int i = 0; i < 1 + (int)(4 * s); i++)
        {
            var (x, y) = scene.Camera.Project(start + direction * rng.Uniform(0, 1.2f), zj + rng.Uniform(0.05f, 0.3f));
            canvas.Ellipse(x, y, Line * 0.7f, 0, 0, Line * 1.1f, (px, py, _, _, cov) => canvas.Blend(px, py, glint, glint, glint, cov * 0.5f));
        }
    }

    void Encrustation(float s)
    {
        // Scale and grease collect near the water line; otherwise anywhere on the wall.
        var nearWater = MathF.Asin(Math.Clamp(scene.WaterHeight - 0.12f, -1, 1));
        var theta = scene.HasWater && rng.Chance(0.6)
            ? (rng.Chance(0.5) ? nearWater : MathF.PI - nearWater)
            : WallAngle(0.2f);
        if (!scene.AboveWater(theta, 0.05f)) theta = WallAngle(0.2f);
        var z = rng.Uniform(0.75f, 1.9f);
        // Calcite scale (pale) or grease (yellowish grey).
        var crust = rng.Chance(0.5) ? (0.85f, 0.82f, 0.68f) : (0.66f, 0.6f, 0.36f);
        var color = Lit(crust, z, theta);
        var blobs = 2 + (int)(5 * s);
        var seed = (uint)rng.NextUInt64();
        for (int b = 0; b < blobs; b++)
        {
            var t = theta + rng.Uniform(-0.35f, 0.35f) * K;
            var zz = z + rng.Uniform(-0.3f, 0.3f);
            var rho = rng.Uniform(0.06f, 0.15f) * (0.7f + 0.5f * s) * K;
            var (cx, cy, ax, ay, bx, by) = WallPatch(t, zz, rho, rho * 1.4f);
            canvas.Ellipse(cx, cy, ax, ay, bx, by, (x, y, alpha, beta, cov) =>
            {
                var relief = 1.15f - 0.35f * beta + 0.3f * (Noise.Value(x * 1.3f / Px, y * 1.3f / Px, seed) - 0.5f);
                canvas.Blend(x, y, color.Item1 * relief, color.Item2 * relief, color.Item3 * relief, cov * (0.7f + 0.3f * s));
            }, phi => 0.75f + 0.4f * Noise.Value(phi * 2f + b, 3.5f, seed));
        }
    }

    void Obstacle(float s)
    {
        var z = rng.Uniform(0.8f, 2.0f);
        var size = rng.Uniform(0.14f, 0.3f) * (0.7f + 0.5f * s) * K;
        var floor = MathF.Min(scene.WaterHeight, 0.95f);
        var lateral = rng.Uniform(-0.35f, 0.35f) * MathF.Sqrt(MathF.Max(0.05f, 1 - floor * floor));
        var (cx, cy) = scene.Camera.ProjectPoint(lateral, floor - size * 0.45f, z);
        var scale = scene.Camera.Scale(z);
        (float, float, float)[] palette = [(0.62f, 0.26f, 0.16f), (0.62f, 0.62f, 0.6f), (0.08f, 0.07f, 0.06f), (0.75f, 0.68f, 0.48f)];
        var color = Lit(palette[rng.NextInt(palette.Length)], z, MathF.PI / 2);
        var seed = (uint)rng.NextUInt64();
        var tilt = rng.Uniform(-0.5f, 0.5f);
        float ax = MathF.Cos(tilt) * size * scale * rng.Uniform(1f, 1.6f), ay = MathF.Sin(tilt) * size * scale;
        float bx = -MathF.Sin(tilt) * size * scale * 0.7f, by = MathF.Cos(tilt) * size * scale * 0.7f;
        // Shadow first, then the object, lit from the camera above.
        canvas.Ellipse(cx, cy + by * 0.6f, ax * 1.2f, ay, bx * 0.5f, by * 0.5f, (x, y, _, _, cov) => canvas.Shade(x, y, 0.45f, cov * 0.7f));
        canvas.Ellipse(cx, cy, ax, ay, bx, by, (x, y, _, beta, cov) =>
        {
            var shade = 1.2f - 0.5f * (beta + 1) / 2 + 0.25f * (Noise.Value(x * 1.1f / Px, y * 1.1f / Px, seed) - 0.5f);
            canvas.Blend(x, y, color.Item1 * shade, color.Item2 * shade, color.Item3 * shade, cov);
        }, phi => 0.85f + 0.25f * Noise.Value(phi * 1.7f + 4, 0.5f, seed));
    }

    void Connection(string code, float s)
    {
        var rho = code switch
        {
            "PB" => rng.Uniform(0.08f, 0.16f),
            "GR" => rng.Uniform(0.16f, 0.36f),
            _ => rng.Uniform(0.13f, 0.3f),
        } * (0.7f + 0.4f * s) * K;
        var theta = WallAngle(rho + 0.1f);
        var z = rng.Uniform(0.85f, 2.0f);
        var (cx, cy, ax, ay, bx, by) = WallPatch(theta, z, rho, rho);
        var seed = (uint)rng.NextUInt64();
        var wall = scene.Wall;
        var hole = Lit((wall.R * 0.08f, wall.G * 0.08f, wall.B * 0.08f), z, theta);
        var strength = 0.75f + 0.25f * s;

        Func<float, float>? jagged = code == "PH" ? phi => 0.8f + 0.35f * Noise.Value(phi * 4f + 2, 0.5f, seed) : null;
        Func<float, float>? squarish = code == "OK"
            ? phi => 1f / MathF.Pow(MathF.Pow(MathF.Abs(MathF.Cos(phi)), 4) + MathF.Pow(MathF.Abs(MathF.Sin(phi)), 4), 0.25f)
            : null;

        // Surround first: rubble (PH), collar (OP), repair patch (OK), liner edge (OS).
        var (surround, surroundColor, surroundAlpha) = code switch
        {
            "PH" => (1.45f, (0.62f, 0.6f, 0.56f), 0.55f),
            "OP" => (1.4f, (0.7f, 0.66f, 0.58f), 0.75f),
            "OK" => (1.5f, (0.66f, 0.64f, 0.6f), 0.6f),
            "OS" => (1.2f, (0.9f, 0.9f, 0.86f), 0.7f),
            _ => (1.12f, (wall.R * 0.5f, wall.G * 0.5f, wall.B * 0.5f), 0.6f),
        };
        var sc = Lit(surroundColor, z, theta);
        canvas.Ellipse(cx, cy, ax * surround, ay * surround, bx * surround, by * surround, (x, y, _, _, cov) =>
        {
            var grain = 0.85f + 0.3f * Noise.Value(x * 1.4f / Px, y * 1.4f / Px, seed ^ 7);
            canvas.Blend(x, y, sc.R * grain, sc.G * grain, sc.B * grain, cov * surroundAlpha * strength);
        }, code == "PH" ? phi => 0.85f + 0.3f * Noise.Value(phi * 3f + 9, 1.5f, seed) : squarish);

        // The opening: dark, a little lighter towards the far edge where the lateral's wall catches light.
        var cut = rng.Uniform(-0.2f, 0.5f);
        canvas.Ellipse(cx, cy, ax, ay, bx, by, (x, y, alpha, beta, cov) =>
        {
            if (code == "OS" && beta > cut)
            {
                var liner = Lit((0.78f, 0.78f, 0.74f), z, theta);
                var edge = beta - cut < 0.12f ? 1.25f : 1f;
                canvas.Blend(x, y, liner.R * edge, liner.G * edge, liner.B * edge, cov * strength);
                return;
            }
            var inner = 1 + 2.5f * MathF.Max(0, -beta);
            canvas.Blend(x, y, hole.R * inner, hole.G * inner, hole.B * inner, cov * strength);
        }, jagged ?? squarish);
        if (code == "OP")
            canvas.Ellipse(cx, cy, ax * 0.72f, ay * 0.72f, bx * 0.72f, by * 0.72f, (x, y, _, _, cov) => canvas.Shade(x, y, 0.5f, cov * 0.6f));
    }
}
