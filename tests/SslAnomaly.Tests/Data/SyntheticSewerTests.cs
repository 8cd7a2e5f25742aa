using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Tests.Data;

public class SyntheticSewerTests
{
    static readonly SyntheticSewerOptions Tiny = new() { Train = 12, Val = 6, Test = 5, Resolution = 32, Seed = 3 };

    static Dictionary<string, byte[]> Files(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    [Fact]
    public void Same_seed_gives_byte_identical_files_and_another_seed_does_not()
    {
        using var dir = new TempDir();
        SyntheticSewer.Generate(dir.File("a"), Tiny);
        SyntheticSewer.Generate(dir.File("b"), Tiny with { Parallelism = 1 });
        SyntheticSewer.Generate(dir.File("c"), Tiny with { Seed = 4 });

        var a = Files(dir.File("a"));
        var b = Files(dir.File("b"));
        var c = Files(dir.File("c"));

        Assert.Equal(12 + 6 + 5 + 4, a.Count); // three splits of frames, their CSVs and the summary
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.All(a, kv => Assert.Equal(kv.Value, b[kv.Key]));
        Assert.NotEqual(a["Train/T0000001.png"], c["Train/T0000001.png"]);
        // Nothing else is left next to the output (the staging folder is renamed into place).
        Assert.Equal(["a", "b", "c"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Csvs_carry_every_Sewer_ML_column_and_pass_the_reader_with_images_in_place()
    {
        using var dir = new TempDir();
        var summary = SyntheticSewer.Generate(dir.File("synth"), Tiny);
        var root = SewerMlDataRoot.Open(summary.Root);

        foreach (var (split, count) in new[] { (SewerMlSplit.Train, 12), (SewerMlSplit.Val, 6), (SewerMlSplit.Test, 5) })
        {
            var header = File.ReadLines(root.CsvPath(split)).First().Split(',');
            Assert.Equal(["Filename", .. SewerMlCodes.Codes, "VA", "ND", "Defect", "WaterLevel"], header);
            var table = root.ReadTable(split, requireLabels: true);
            Assert.Equal(count, table.Count);
            Assert.All(root.ImagePaths(split, table.Filenames), p => Assert.Equal((32, 32 * 32 * 3), (32, ImageDecoder.DecodeRgb(p, 32, 32).Length)));
        }
        Assert.Equal(summary.TrainDefects, root.ReadTable(SewerMlSplit.Train, true).DefectCount);
    }

    [Fact]
    public void Labels_are_multi_label_cover_every_code_and_are_about_47_percent_defective()
    {
        var labels = Enumerable.Range(0, 4000).Select(i => SyntheticSewer.Labels(0, SewerMlSplit.Train, i)).ToArray();
        var share = labels.Count(l => l.Defect) / 4000.0;
        Assert.InRange(share, 0.44, 0.50);
        Assert.All(Enumerable.Range(0, 17), k => Assert.True(labels.Count(l => l.Codes[k]) >= 10, $"code {SewerMlCodes.Codes[k]} is too rare"));
        Assert.Contains(labels, l => l.Codes.Count(c => c) >= 2);
        Assert.Contains(labels, l => l.WaterLevel > 0);
        Assert.All(labels, l => Assert.Equal(l.WaterLevel >= 30, l.WaterLevelAnnotation));
    }

    [Fact]
    public void Frames_are_pure_functions_of_seed_split_and_index()
    {
        var a = SyntheticSewer.RenderRgb(9, SewerMlSplit.Val, 5, 48);
        Assert.Equal(a, SyntheticSewer.RenderRgb(9, SewerMlSplit.Val, 5, 48));
        Assert.NotEqual(a, SyntheticSewer.RenderRgb(9, SewerMlSplit.Val, 6, 48));
        Assert.NotEqual(a, SyntheticSewer.RenderRgb(9, SewerMlSplit.Train, 5, 48));
        // A pipe interior: dark far end, brighter walls, no saturation everywhere.
        var mean = a.Average(v => (double)v);
        Assert.InRange(mean, 25, 200);
        Assert.True(a.Distinct().Count() > 50);
    }

    [Fact]
    public void Every_defect_code_renders_and_changes_the_frame()
    {
        // The same frame stream with and without each code: the defect leaves a visible, local trace
        // (everything else, noise included, comes from streams the defect does not touch).
        foreach (var stream in new ulong[] { 7, 8, 9 })
        {
            var normal = SewerFrameRenderer.Render(new FrameLabels(new bool[17], 10), SeededRandom.For(1, stream), 64);
            foreach (var code in SewerMlCodes.Codes)
            {
                var codes = new bool[17];
                codes[SewerMlCodes.IndexOf(code)] = true;
                var withDefect = SewerFrameRenderer.Render(new FrameLabels(codes, 10), SeededRandom.For(1, stream), 64);
                var changed = withDefect.Zip(normal).Count(p => Math.Abs(p.First - p.Second) > 12);
                Assert.True(changed >= 6, $"{code}: only {changed} channel values changed noticeably");
                Assert.True(changed < normal.Length / 2, $"{code}: {changed} of {normal.Length} values changed: not a local defect");
            }
        }
    }

    [Fact]
    public void Existing_non_empty_output_is_refused_and_left_alone()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("keep.txt"), "x");
        var e = Assert.Throws<UserInputException>(() => SyntheticSewer.Generate(dir.Path, Tiny));
        Assert.Contains("already exists and is not empty", e.Message);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    /// <summary>data-manifests/embedded must be what the current generator and selection produce.</summary>
    [Fact]
    public void Committed_embedded_manifests_match_the_generator()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "data-manifests", "embedded");
        var specs = Directory.GetFiles(folder, "*.spec.json");
        Assert.Equal(17, specs.Length);
        var defaults = new SyntheticSewerOptions();
        using var dir = new TempDir();
        var tables = new Dictionary<SewerMlSplit, (SewerMlTable Table, string Sha)>();
        foreach (var (split, count) in new[] { (SewerMlSplit.Train, defaults.Train), (SewerMlSplit.Val, defaults.Val), (SewerMlSplit.Test, defaults.Test) })
        {
            var csv = dir.File(split.CsvFileName());
            File.WriteAllText(csv, SyntheticSewer.Csv(defaults.Seed, split, count));
            tables[split] = (SewerMlCsv.Read(csv, true), FileHash.Sha256(csv));
        }
        foreach (var specPath in specs)
        {
            var spec = ManifestSpec.Read(specPath);
            var (table, sha) = tables[spec.Split];
            var manifest = spec.Materialise(table, sha); // also checks the spec's expected CSV checksum
            var committed = specPath.Replace(".spec.json", ".json");
            Assert.True(manifest.ToJson() == File.ReadAllText(committed), $"{Path.GetFileName(committed)} is stale: run data-manifests/regenerate-embedded.sh");
        }
    }
}
