namespace SslAnomaly.Data.Synthetic;

/// <summary>How large one defect class is drawn at one resolution, over a sample of frames.</summary>
/// <param name="MedianPixels">Median count of pixels the defect visibly changes.</param>
/// <param name="MedianDiameter">Diameter in pixels of a disc with that area: how "big" the defect is at this size.</param>
/// <param name="FrameShare">Median changed area as a share of the frame (the same at every resolution when nothing
/// falls below a pixel: compare it across resolutions to see thin defects fade).</param>
public sealed record DefectSize(string Code, int Resolution, double DefectScale, double MedianPixels, double MedianDiameter, double FrameShare, double MedianContrast);

/// <summary>
/// Measures what a defect adds to a frame: the same frame rendered with and without the defect (every other random
/// stream is shared, so nothing else moves) and the pixels whose colour changes by more than <see cref="Threshold"/>
/// of the 0-255 range. This is the embedded data explaining itself: at which resolution a class is a few pixels.
/// </summary>
public static class DefectFootprint
{
    /// <summary>A change of 12/255 in any channel: about what a viewer notices in a dark pipe frame.</summary>
    public const int Threshold = 12;

    public static DefectSize Measure(string code, int resolution, double defectScale = 1, int frames = 24, long seed = 0)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), "at least one frame");
        int k = SewerMlCodes.IndexOf(code);
        var areas = new double[frames];
        var contrasts = new double[frames];
        for (int f = 0; f < frames; f++)
        {
            var stream = (ulong)(1000 + f);
            var normal = SewerFrameRenderer.Render(new FrameLabels(new bool[SewerMlCodes.Codes.Count], 10), SeededRandom.For(seed, stream), resolution, (float)defectScale);
            var codes = new bool[SewerMlCodes.Codes.Count];
            codes[k] = true;
            var withDefect = SewerFrameRenderer.Render(new FrameLabels(codes, 10), SeededRandom.For(seed, stream), resolution, (float)defectScale);
            int changed = 0;
            double contrast = 0;
            for (int p = 0; p < normal.Length; p += 3)
            {
                int d = Math.Max(Math.Abs(withDefect[p] - normal[p]), Math.Max(Math.Abs(withDefect[p + 1] - normal[p + 1]), Math.Abs(withDefect[p + 2] - normal[p + 2])));
                if (d <= Threshold) continue;
                changed++;
                contrast += d;
            }
            areas[f] = changed;
            contrasts[f] = changed == 0 ? 0 : contrast / changed / 255.0;
        }
        double area = Median(areas);
        return new DefectSize(code, resolution, defectScale, area, 2 * Math.Sqrt(area / Math.PI), area / ((double)resolution * resolution), Median(contrasts));
    }

    /// <summary>Every class at every resolution: the table notebook 01 shows.</summary>
    public static IReadOnlyList<DefectSize> Table(IEnumerable<int> resolutions, double defectScale = 1, int frames = 24, long seed = 0) =>
        [.. from code in SewerMlCodes.Codes from r in resolutions select Measure(code, r, defectScale, frames, seed)];

    static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
