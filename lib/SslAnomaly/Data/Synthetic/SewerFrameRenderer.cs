namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// Renders one synthetic sewer-inspection frame for given labels: builds a random scene (camera, material,
/// joints, light, water, geometric defects), ray-casts it, paints distractors and defects, then applies
/// the camera's look (tone curve, white balance, softness, vignette, sensor noise) and the text overlay.
/// Everything random comes from the one <see cref="SeededRandom"/> passed in, so a frame is a pure function
/// of (labels, stream, size).
/// </summary>
public static class SewerFrameRenderer
{
    static readonly (float, float, float)[] Materials =
    [
        (0.50f, 0.47f, 0.42f), // concrete
        (0.58f, 0.36f, 0.22f), // vitrified clay
        (0.66f, 0.65f, 0.60f), // plastic / liner
        (0.36f, 0.31f, 0.26f), // old, dark concrete
    ];

    /// <summary>Severity of a defect: in [0.35, 1], skewed towards subtle.</summary>
    static float Severity(SeededRandom rng) => 0.35f + 0.65f * MathF.Pow(rng.NextFloat(), 1.3f);

    public static byte[] Render(FrameLabels labels, SeededRandom rng, int size)
    {
        var scene = BuildScene(labels, rng, size);
        var canvas = new Canvas(size);
        scene.PaintBase(canvas);
        var distractors = new Distractors(scene, canvas, rng);
        distractors.Paint();
        var painter = new DefectPainter(scene, canvas, rng);
        for (int k = 0; k < labels.Codes.Length; k++)
            if (labels.Codes[k]) painter.Paint(SewerMlCodes.Codes[k], Severity(rng));
        Finish(canvas, rng);
        distractors.PaintOverlay();
        return Quantize(canvas);
    }

    static SewerScene BuildScene(FrameLabels labels, SeededRandom rng, int size)
    {
        bool Has(string code) => labels.Codes[SewerMlCodes.IndexOf(code)];
        var camera = PipeCamera.Random(rng, size);
        var m = Materials[rng.NextInt(Materials.Length)];
        var wall = (m.Item1 * rng.Uniform(0.92f, 1.08f), m.Item2 * rng.Uniform(0.92f, 1.08f), m.Item3 * rng.Uniform(0.92f, 1.08f));
        var spacing = rng.Uniform(1.1f, 2.6f);
        var waterHeight = labels.WaterLevel == 0 ? 1f : 1f - 2f * labels.WaterLevel / 100f;

        SewerScene.Deformation? deform = null;
        if (Has("DE"))
        {
            var s = Severity(rng);
            var depth = rng.Uniform(1f, 2.4f);
            deform = new(-MathF.PI / 2 + rng.Uniform(-1.2f, 1.2f), camera.Focal / depth, rng.Uniform(0.12f, 0.3f) * (0.5f + 0.6f * s), camera.Focal / depth * 0.45f);
        }
        SewerScene.DisplacedJoint? displaced = null;
        var phase = rng.Uniform(0.5f, 0.5f + spacing);
        if (Has("FS"))
        {
            var s = Severity(rng);
            var n = phase > 1.2f ? 0 : 1;
            var offset = rng.Uniform(0.05f, 0.16f) * (0.5f + 0.6f * s);
            var direction = rng.Uniform(-MathF.PI, MathF.PI);
            displaced = new(phase + n * spacing, offset * MathF.Cos(direction), offset * MathF.Sin(direction));
        }
        SewerScene.DepositBed? deposit = null;
        if (Has("AF"))
        {
            var s = Severity(rng);
            var start = rng.Uniform(0.7f, 1.8f);
            var thickness = rng.Uniform(0.06f, 0.22f) * (0.5f + 0.6f * s);
            (float, float, float)[] sediments = [(0.58f, 0.5f, 0.38f), (0.45f, 0.43f, 0.4f), (0.36f, 0.3f, 0.22f)];
            deposit = new(MathF.Min(waterHeight, 0.98f) - thickness, start, start + rng.Uniform(0.6f, 3f), sediments[rng.NextInt(sediments.Length)]);
        }

        return new SewerScene
        {
            Camera = camera,
            Seed = (uint)rng.NextUInt64(),
            Wall = wall,
            TextureContrast = rng.Uniform(0.2f, 0.5f),
            TextureScale = rng.Uniform(2.5f, 6f),
            JointSpacing = spacing,
            JointPhase = phase,
            JointWidth = rng.Uniform(0.03f, 0.09f),
            JointDarkness = rng.Uniform(0.35f, 0.8f),
            LightReach = rng.Uniform(0.7f, 1.5f),
            Exposure = rng.Uniform(0.75f, 1.25f),
            HotspotAngle = rng.Uniform(-MathF.PI, MathF.PI),
            HotspotStrength = rng.Uniform(0f, 0.35f),
            WaterHeight = waterHeight,
            Water = (rng.Uniform(0.14f, 0.26f), rng.Uniform(0.13f, 0.22f), rng.Uniform(0.07f, 0.14f)),
            WaterSpecular = rng.Uniform(0.05f, 0.35f),
            Deform = deform,
            Displaced = displaced,
            Deposit = deposit,
        };
    }

    /// <summary>The camera's processing: tone curve, white balance, softness, vignette, sensor noise.</summary>
    static void Finish(Canvas canvas, SeededRandom rng)
    {
        var n = canvas.Size;
        var p = canvas.Pixels;
        var gamma = 1f / rng.Uniform(1.3f, 1.7f);
        float gr = rng.Uniform(0.92f, 1.08f), gg = rng.Uniform(0.95f, 1.05f), gb = rng.Uniform(0.9f, 1.08f);
        var soft = rng.Uniform(0f, 0.7f);
        var vignette = rng.Uniform(0.1f, 0.35f);
        var sigma = rng.Uniform(0.008f, 0.035f);
        var noiseSeed = (uint)rng.NextUInt64();

        // 3x3 binomial blur mixed in by `soft`: inspection video is rarely sharp.
        var blurred = new float[p.Length];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                for (int c = 0; c < 3; c++)
                {
                    float sum = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            var w = (dx == 0 ? 2 : 1) * (dy == 0 ? 2 : 1);
                            sum += w * p[(Math.Clamp(y + dy, 0, n - 1) * n + Math.Clamp(x + dx, 0, n - 1)) * 3 + c];
                        }
                    blurred[(y * n + x) * 3 + c] = sum / 16f;
                }

        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                float u = (x + 0.5f) / n * 2 - 1, v = (y + 0.5f) / n * 2 - 1;
                var vig = 1 - vignette * (u * u + v * v) * 0.5f;
                var luma = sigma * Noise.Gaussianish(x, y, noiseSeed);
                var i = (y * n + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    var value = p[i + c] + (blurred[i + c] - p[i + c]) * soft;
                    value = MathF.Pow(MathF.Max(value * vig, 0), gamma) * (c == 0 ? gr : c == 1 ? gg : gb);
                    p[i + c] = value + luma + sigma * 0.35f * Noise.Gaussianish(x, y, noiseSeed + (uint)c + 1);
                }
            }
    }

    static byte[] Quantize(Canvas canvas)
    {
        var p = canvas.Pixels;
        var bytes = new byte[p.Length];
        for (int i = 0; i < p.Length; i++) bytes[i] = (byte)Math.Clamp((int)MathF.Round(p[i] * 255f), 0, 255);
        return bytes;
    }
}
