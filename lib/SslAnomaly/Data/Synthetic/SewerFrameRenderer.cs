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

    public static byte[] Render(FrameLabels labels, SeededRandom rng, int size, float defectScale = 1f)
    {
        // One sub-stream per part, and one per defect code: adding a defect to a frame changes that defect's
        // pixels only, never the camera, the pipe, the distractors or the noise around it.
        long sceneSeed = (long)(rng.NextUInt64() >> 1), defectSeed = (long)(rng.NextUInt64() >> 1);
        var distractorRng = new SeededRandom(rng.NextUInt64());
        var cameraRng = new SeededRandom(rng.NextUInt64());
        SeededRandom CodeRng(int k) => SeededRandom.For(defectSeed, (ulong)k);

        var scene = BuildScene(labels, new SeededRandom((ulong)sceneSeed), CodeRng, size, defectScale);
        var canvas = new Canvas(size);
        scene.PaintBase(canvas);
        var distractors = new Distractors(scene, canvas, distractorRng);
        distractors.Paint();
        for (int k = 0; k < labels.Codes.Length; k++)
        {
            if (!labels.Codes[k]) continue;
            var codeRng = CodeRng(k);
            new DefectPainter(scene, canvas, codeRng).Paint(SewerMlCodes.Codes[k], Severity(codeRng));
        }
        Finish(canvas, cameraRng);
        distractors.PaintOverlay();
        return Quantize(canvas);
    }

    /// <summary>The scene; geometric defects (DE, FS, AF) draw from their code's own stream.</summary>
    static SewerScene BuildScene(FrameLabels labels, SeededRandom rng, Func<int, SeededRandom> codeRng, int size, float defectScale)
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
            var r = codeRng(SewerMlCodes.IndexOf("DE"));
            var s = Severity(r);
            var depth = r.Uniform(0.9f, 1.8f);
            deform = new(-MathF.PI / 2 + r.Uniform(-1.2f, 1.2f), camera.Focal / depth, MathF.Min(r.Uniform(0.18f, 0.35f) * (0.6f + 0.5f * s) * defectScale, 0.6f), camera.Focal / depth * 0.5f);
        }
        SewerScene.DisplacedJoint? displaced = null;
        var phase = rng.Uniform(0.5f, 0.5f + spacing);
        if (Has("FS"))
        {
            var r = codeRng(SewerMlCodes.IndexOf("FS"));
            var s = Severity(r);
            // A joint near enough to show its step (far joints are a few pixels wide).
            var depth = r.Uniform(0.9f, 1.9f);
            var offset = MathF.Min(r.Uniform(0.08f, 0.2f) * (0.6f + 0.5f * s) * defectScale, 0.45f);
            var direction = r.Uniform(-MathF.PI, MathF.PI);
            displaced = new(depth, offset * MathF.Cos(direction), offset * MathF.Sin(direction));
        }
        SewerScene.DepositBed? deposit = null;
        if (Has("AF"))
        {
            var r = codeRng(SewerMlCodes.IndexOf("AF"));
            var s = Severity(r);
            var start = r.Uniform(0.7f, 1.8f);
            var thickness = MathF.Min(r.Uniform(0.06f, 0.22f) * (0.5f + 0.6f * s) * defectScale, 0.6f);
            (float, float, float)[] sediments = [(0.58f, 0.5f, 0.38f), (0.45f, 0.43f, 0.4f), (0.36f, 0.3f, 0.22f)];
            deposit = new(MathF.Min(waterHeight, 0.98f) - thickness, start, start + r.Uniform(0.6f, 3f), sediments[r.NextInt(sediments.Length)]);
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
            DefectScale = defectScale,
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

        // 3x3 binomial blur (separable [1 2 1] / 4 twice) mixed in by `soft`: inspection video is rarely sharp.
        var rows = new float[p.Length];
        var blurred = new float[p.Length];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int left = (y * n + Math.Max(x - 1, 0)) * 3, mid = (y * n + x) * 3, right = (y * n + Math.Min(x + 1, n - 1)) * 3;
                for (int c = 0; c < 3; c++) rows[mid + c] = (p[left + c] + 2 * p[mid + c] + p[right + c]) * 0.25f;
            }
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                int up = (Math.Max(y - 1, 0) * n + x) * 3, mid = (y * n + x) * 3, down = (Math.Min(y + 1, n - 1) * n + x) * 3;
                for (int c = 0; c < 3; c++) blurred[mid + c] = (rows[up + c] + 2 * rows[mid + c] + rows[down + c]) * 0.25f;
            }

        // The tone curve from a table: a per-pixel Pow was a third of the rendering time.
        const int steps = 1024;
        const float range = 2f;
        Span<float> curve = stackalloc float[steps + 2];
        for (int k = 0; k < curve.Length; k++) curve[k] = MathF.Pow(k * range / steps, gamma);

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
                    var t = Math.Clamp(value * vig, 0, range) * (steps / range);
                    var k = (int)t;
                    value = (curve[k] + (curve[k + 1] - curve[k]) * (t - k)) * (c == 0 ? gr : c == 1 ? gg : gb);
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
