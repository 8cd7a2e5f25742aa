using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SslAnomaly.Data.Synthetic;

/// <summary>What `data synth` makes: split sizes, square frame size in pixels, seed.</summary>
public sealed record SyntheticSewerOptions
{
    public int Train { get; init; } = 6000;
    public int Val { get; init; } = 6000;
    /// <summary>The held-out test split: labelled like the others, never used to choose a setting.</summary>
    public int Test { get; init; } = 6000;
    public int Resolution { get; init; } = 64;
    public long Seed { get; init; }
    /// <summary>Size multiplier of the defects (1 = generator v1's look; see <see cref="SewerScene.DefectScale"/>).</summary>
    public double DefectScale { get; init; } = 1;
    /// <summary>Images rendered in parallel; defaults to all cores.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>What one generation produced.</summary>
public sealed record SyntheticSewerSummary(string Root, int Train, int TrainDefects, int Val, int ValDefects, int Resolution, long Seed, double Seconds)
{
    public double DefectScale { get; init; } = 1;
    public int Test { get; init; }
    public int TestDefects { get; init; }
    public double ImagesPerSecond => (Train + Val + Test) / Math.Max(Seconds, 1e-9);
}

/// <summary>
/// The embedded dataset: procedurally rendered sewer-pipe frames written exactly like Sewer-ML
/// (<c>SewerML_Train.csv</c>, <c>SewerML_Val.csv</c>, <c>SewerML_Test.csv</c> with every Sewer-ML column, PNGs under
/// <c>Train/</c>, <c>Val/</c> and <c>Test/</c>), so the same reader, manifests and runs serve both. Unlike Sewer-ML's
/// public release, its test split is labelled: it is the held-out split results are reported on.
///
/// Frame i of a split is a pure function of (seed, split, i): its labels come from one random stream and
/// its pixels from another, so frames render in parallel in any order, a larger split extends a smaller
/// one, and the CSVs (integer/double arithmetic only) are byte-identical on every machine. PNG bytes are
/// identical for the same SkiaSharp build.
/// </summary>
public static class SyntheticSewer
{
    /// <summary>Bump when rendering or labelling changes.</summary>
    public const int GeneratorVersion = 1;
    public const string SummaryFile = "synth.json";

    static ulong SplitId(SewerMlSplit split) => (ulong)split + 1;

    /// <summary>T0000001.png, V0000001.png, E0000001.png: distinct across splits, so a flat layout works too.</summary>
    public static string FileName(SewerMlSplit split, int index) =>
        $"{(split == SewerMlSplit.Train ? 'T' : split == SewerMlSplit.Val ? 'V' : 'E')}{index + 1:D7}.png";

    public static FrameLabels Labels(long seed, SewerMlSplit split, int index) =>
        FrameLabels.Sample(SeededRandom.For(seed, SplitId(split), (ulong)index, 0));

    /// <summary>8-bit RGB (HWC) of frame <paramref name="index"/>.</summary>
    public static byte[] RenderRgb(long seed, SewerMlSplit split, int index, int resolution, double defectScale = 1) =>
        SewerFrameRenderer.Render(Labels(seed, split, index), SeededRandom.For(seed, SplitId(split), (ulong)index, 1), resolution, (float)defectScale);

    public static byte[] RenderPng(long seed, SewerMlSplit split, int index, int resolution, double defectScale = 1) =>
        ImageDecoder.EncodePng(RenderRgb(seed, split, index, resolution, defectScale), resolution, resolution);

    /// <summary>The annotation file of a split (needs no rendering).</summary>
    public static string Csv(long seed, SewerMlSplit split, int count) => SewerMlCsv.Format(
        Enumerable.Range(0, count).Select(i =>
        {
            var labels = Labels(seed, split, i);
            return new SewerMlCsv.Row(FileName(split, i), labels.Codes, labels.WaterLevelAnnotation, labels.WaterLevel);
        }));

    /// <summary>
    /// Renders the dataset into <paramref name="outDir"/>, which must not exist or be empty. Everything is
    /// written into a sibling staging folder that is renamed at the end, so an interrupted run leaves no
    /// folder that looks complete; <see cref="SummaryFile"/> is the last file written.
    /// </summary>
    public static SyntheticSewerSummary Generate(string outDir, SyntheticSewerOptions options, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        if (options.Train < 0 || options.Val < 0 || options.Test < 0 || options.Train + options.Val + options.Test == 0)
            throw new UserInputException($"--train, --val and --test must be non-negative and not all 0 (got {options.Train}, {options.Val}, {options.Test})");
        if (options.Train > 9_999_999 || options.Val > 9_999_999 || options.Test > 9_999_999) throw new UserInputException("at most 9,999,999 images per split");
        if (options.Resolution is < 16 or > 1024) throw new UserInputException($"--resolution must be within 16..1024, not {options.Resolution}");
        if (options.Seed < 0) throw new UserInputException($"--seed must be non-negative, not {options.Seed}");
        if (!(options.DefectScale is >= 0.25 and <= 4)) throw new UserInputException($"--defect-scale must be within 0.25..4, not {options.DefectScale}");
        var target = Path.GetFullPath(outDir);
        if (File.Exists(target)) throw new UserInputException($"--out {outDir} is a file; give a folder that does not exist yet");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new UserInputException($"--out {outDir} already exists and is not empty; choose a new folder (nothing was written)");
        var parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent)) throw new UserInputException($"--out {outDir}: parent folder {parent} does not exist");

        var clock = Stopwatch.StartNew();
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            int done = 0;
            var counts = new Dictionary<SewerMlSplit, (int Count, int Defects)>();
            foreach (var (split, count) in new[] { (SewerMlSplit.Train, options.Train), (SewerMlSplit.Val, options.Val), (SewerMlSplit.Test, options.Test) })
            {
                var folder = Path.Combine(staging, split.FolderName());
                Directory.CreateDirectory(folder);
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellation }, i =>
                {
                    File.WriteAllBytes(Path.Combine(folder, FileName(split, i)), RenderPng(options.Seed, split, i, options.Resolution, options.DefectScale));
                    var n = Interlocked.Increment(ref done);
                    if (n % 256 == 0) progress?.Report(n);
                });
                var csv = Csv(options.Seed, split, count);
                File.WriteAllText(Path.Combine(staging, split.CsvFileName()), csv, new UTF8Encoding(false));
                counts[split] = (count, Enumerable.Range(0, count).Count(i => Labels(options.Seed, split, i).Defect));
            }
            progress?.Report(done);
            var summary = new SyntheticSewerSummary(target, options.Train, counts[SewerMlSplit.Train].Defects, options.Val, counts[SewerMlSplit.Val].Defects,
                options.Resolution, options.Seed, 0)
            {
                DefectScale = options.DefectScale, Test = options.Test, TestDefects = counts[SewerMlSplit.Test].Defects,
            };
            File.WriteAllText(Path.Combine(staging, SummaryFile), SummaryJson(summary), new UTF8Encoding(false));
            if (Directory.Exists(target)) Directory.Delete(target);
            Directory.Move(staging, target);
            return summary with { Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UserInputException($"--out {outDir}: {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Deterministic description of a generated dataset (no timestamps: same seed, same bytes).</summary>
    static string SummaryJson(SyntheticSewerSummary s)
    {
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        return "{\n" +
               "  \"generator\": \"ssl-anomaly synthetic sewer\",\n" +
               $"  \"generator_version\": {GeneratorVersion},\n" +
               $"  \"seed\": {I(s.Seed)},\n" +
               $"  \"resolution\": {I(s.Resolution)},\n" +
               (s.DefectScale == 1 ? "" : $"  \"defect_scale\": {s.DefectScale.ToString("R", CultureInfo.InvariantCulture)},\n") +
               $"  \"train\": {I(s.Train)},\n" +
               $"  \"train_defects\": {I(s.TrainDefects)},\n" +
               $"  \"val\": {I(s.Val)},\n" +
               $"  \"val_defects\": {I(s.ValDefects)},\n" +
               $"  \"test\": {I(s.Test)},\n" +
               $"  \"test_defects\": {I(s.TestDefects)},\n" +
               $"  \"codes\": [{string.Join(", ", SewerMlCodes.Codes.Select(c => $"\"{c}\""))}]\n" +
               "}\n";
    }
}
