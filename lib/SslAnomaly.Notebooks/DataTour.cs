using SslAnomaly.Data;
using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Notebooks;

/// <summary>One split at a glance: images, defective and normal frames.</summary>
public sealed record SplitBalance(string Split, int Images, int Defective, int Normal, double DefectPct);

/// <summary>A manifest as the notebook shows it: what was asked, what it holds, and the hashes that pin it down.</summary>
public sealed record ManifestFacts(string Name, double? RequestedDefectPct, int Size, int Defects, int Normals, double ActualDefectPct, long Seed, string Sha256, string SourceCsvSha256);

/// <summary>
/// The data behind the experiments (notebook 01): sample frames per defect class, the class balance of the
/// splits, and the manifests that fix each imbalanced subset. Works on the embedded dataset (frames are
/// re-rendered at a display size from their seed) and on Sewer-ML (frames read from their files).
/// </summary>
public sealed class DataTour
{
    readonly SewerMlDataRoot root;
    readonly long? embeddedSeed;

    DataTour(SewerMlDataRoot root, long? embeddedSeed, double defectScale)
    {
        this.root = root;
        this.embeddedSeed = embeddedSeed;
        DefectScale = defectScale;
        Train = root.ReadTable(SewerMlSplit.Train, requireLabels: true);
        Val = root.ReadTable(SewerMlSplit.Val, requireLabels: true);
    }

    /// <summary>The dataset the notebook's experiments use (rendering the embedded one first if needed).</summary>
    public static DataTour For(NotebookExperiments experiments) =>
        Open(experiments.DataRootPath(), experiments.EmbeddedSeed, experiments.Config("supervised", "resnet18", 5).Embedded.DefectScale);

    /// <summary>A dataset folder; <paramref name="embeddedSeed"/> and <paramref name="defectScale"/> are what it was rendered with when it is the embedded dataset.</summary>
    public static DataTour Open(string root, long? embeddedSeed = null, double defectScale = 1) => new(SewerMlDataRoot.Open(root), embeddedSeed, defectScale);

    /// <summary>Size multiplier the embedded frames were rendered with (1 for Sewer-ML and generator v1's look).</summary>
    public double DefectScale { get; }

    public string Root => root.Root;
    public bool IsEmbedded => embeddedSeed is not null;
    public SewerMlTable Train { get; }
    public SewerMlTable Val { get; }

    public IReadOnlyList<SplitBalance> Splits() =>
    [
        Balance("train", Train),
        Balance("val", Val),
    ];

    static SplitBalance Balance(string name, SewerMlTable t) =>
        new(name, t.Count, t.DefectCount, t.NormalCount, Math.Round(100.0 * t.DefectCount / Math.Max(1, t.Count), 2));

    /// <summary>Share of frames (percent) showing each defect code, per split, as grouped bars (names on hover).</summary>
    public PlotlyFigure ClassBalanceChart()
    {
        var labels = SewerMlCodes.Codes.ToArray();
        System.Text.Json.Nodes.JsonObject Bars(string name, SewerMlTable t)
        {
            var codes = t.Codes;
            var shares = new double[labels.Length];
            for (int k = 0; k < labels.Length; k++)
            {
                int n = 0;
                for (int i = 0; i < t.Count; i++) if (codes[i, k]) n++;
                shares[k] = 100.0 * n / Math.Max(1, t.Count);
            }
            var hover = labels.Select((l, i) => $"{DefectClasses.Label(l)}: {shares[i].ToString("0.0", CultureInfo.InvariantCulture)} % of {name} frames").ToArray();
            var normal = (100.0 * t.NormalCount / Math.Max(1, t.Count)).ToString("0.0", CultureInfo.InvariantCulture);
            return PlotlyTraces.Columns(labels, shares, $"{name}: {t.Count:N0} frames, {normal} % normal", hover);
        }
        return PlotlyFigure.Of(Bars("train", Train), Bars("val", Val))
            .WithTitle("Class balance: share of frames showing each defect code (a frame can show several)")
            .WithAxisTitles("defect code (Sewer-ML order)", "frames with the code (%)")
            .WithSize(900, 420);
    }

    /// <summary>
    /// <paramref name="perClass"/> frames of each class (normal first, then the 17 codes), preferring frames that show
    /// that code alone. Embedded frames are rendered again at <paramref name="resolution"/> px from their seed; Sewer-ML
    /// frames are read from their files.
    /// </summary>
    public ImageGrid SamplesPerClass(int perClass = 3, int resolution = 64, int classesPerRow = 3)
    {
        var table = Train;
        var codes = table.Codes;
        var tiles = new List<ImageTile>();
        var classes = new List<(string Label, int[] Rows)>
        {
            ("normal", Enumerable.Range(0, table.Count).Where(i => !table.Defect[i]).Take(perClass).ToArray()),
        };
        for (int k = 0; k < SewerMlCodes.Codes.Count; k++)
        {
            int code = k;
            var with = Enumerable.Range(0, table.Count).Where(i => codes[i, code]).ToList();
            var rows = with.Where(i => CodeCount(codes, i) == 1).Concat(with.Where(i => CodeCount(codes, i) > 1)).Take(perClass).ToArray();
            classes.Add((SewerMlCodes.Codes[k], rows));
        }
        foreach (var (label, rows) in classes)
            for (int j = 0; j < perClass; j++)
            {
                if (j >= rows.Length)
                {
                    tiles.Add(Blank(resolution, $"{label}: none"));
                    continue;
                }
                int row = rows[j];
                var caption = label == "normal" ? "normal" : CodesOf(row, codes);
                tiles.Add(Tile(table.Filenames[row], resolution, caption));
            }
        var source = IsEmbedded ? $"embedded dataset, re-rendered at {resolution} px" : "Sewer-ML";
        return new ImageGrid(tiles, columns: perClass * classesPerRow, displaySize: 96,
            title: $"{perClass} training frames per class ({source}); captions list every code a frame shows");
    }

    /// <summary>
    /// One frame per defect class (showing that code alone where possible) at the run resolution beside the same frame at
    /// <paramref name="reference"/> px, so a reader sees what the model is given against what the scene holds.
    /// </summary>
    public ImageGrid AtResolutions(int resolution, int reference = 128)
    {
        var table = Train;
        var codes = table.Codes;
        var tiles = new List<ImageTile>();
        for (int k = 0; k < SewerMlCodes.Codes.Count; k++)
        {
            int code = k;
            var rows = Enumerable.Range(0, table.Count).Where(i => codes[i, code]).OrderBy(i => CodeCount(codes, i)).Take(1).ToArray();
            if (rows.Length == 0) continue;
            var name = table.Filenames[rows[0]];
            tiles.Add(Tile(name, resolution, $"{SewerMlCodes.Codes[k]} at {resolution} px"));
            tiles.Add(Tile(name, reference, $"{SewerMlCodes.Codes[k]} at {reference} px"));
        }
        return new ImageGrid(tiles, columns: 6, displaySize: 128,
            title: $"The same frame at the run resolution ({resolution} px, shown enlarged) and at {reference} px");
    }

    /// <summary>
    /// How many pixels each class changes at each resolution (<see cref="DefectFootprint"/>), for the embedded data as
    /// rendered for the runs; on Sewer-ML there is no renderer to ask, so the table is empty.
    /// </summary>
    public IReadOnlyList<DefectSize> DefectSizes(IEnumerable<int> resolutions, int frames = 24) =>
        IsEmbedded ? DefectFootprint.Table(resolutions, DefectScale, frames, embeddedSeed ?? 0) : [];

    /// <summary>
    /// Per-class recall of a finished run's validation predictions (<c>predictions-val.csv</c>, the probe at threshold
    /// 0.5): which defect classes that model can see at all. Run it on the supervised ceiling to read the data's visibility.
    /// </summary>
    public IReadOnlyList<ClassRecall> Visibility(string runDirectory)
    {
        var predictions = PredictionCsv.Read(Path.Combine(runDirectory, "predictions-val.csv"));
        return PerClassRecall.Compute(Val, predictions);
    }

    /// <summary>How many defect codes frame <paramref name="row"/> shows.</summary>
    static int CodeCount(bool[,] codes, int row)
    {
        int n = 0;
        for (int k = 0; k < SewerMlCodes.Codes.Count; k++) if (codes[row, k]) n++;
        return n;
    }

    static string CodesOf(int row, bool[,] codes) =>
        string.Join("+", SewerMlCodes.Codes.Where((_, k) => codes[row, k]));

    ImageTile Tile(string filename, int resolution, string caption)
    {
        if (embeddedSeed is { } seed && TryIndex(filename, out var index))
        {
            var rgb = SyntheticSewer.RenderRgb(seed, SewerMlSplit.Train, index, resolution, DefectScale);
            return new ImageTile(ImageDecoder.EncodePng(rgb, resolution, resolution), resolution, resolution, caption);
        }
        var path = root.ImagePaths(SewerMlSplit.Train, [filename])[0];
        return PngImages.FromFiles([path], [caption], maxSide: Math.Max(resolution, 96))[0];
    }

    /// <summary>T0000001.png -> 0 (<see cref="SyntheticSewer.FileName"/>).</summary>
    static bool TryIndex(string filename, out int index)
    {
        index = -1;
        var stem = Path.GetFileNameWithoutExtension(filename);
        if (stem.Length < 2 || stem[0] != 'T' || !int.TryParse(stem[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            return false;
        index = number - 1;
        return true;
    }

    static ImageTile Blank(int size, string caption)
    {
        var rgb = Enumerable.Repeat((byte)235, size * size * 3).ToArray();
        return new ImageTile(ImageDecoder.EncodePng(rgb, size, size), size, size, caption);
    }

    /// <summary>
    /// Builds training-split manifests of <paramref name="size"/> images at each defect share with one seed, writes
    /// them into <paramref name="folder"/> (train-&lt;pct&gt;pct.json) and returns what they hold and their SHA-256.
    /// </summary>
    public IReadOnlyList<ManifestFacts> BuildManifests(string folder, int size, IEnumerable<double> defectPcts, long seed = 0)
    {
        Directory.CreateDirectory(folder);
        var csvSha = FileHash.Sha256(Train.SourcePath);
        return defectPcts.Select(pct =>
        {
            var name = $"train-{pct.ToString(CultureInfo.InvariantCulture)}pct" + (seed == 0 ? "" : $"-seed{seed}");
            var manifest = new ManifestSpec(name, SewerMlSplit.Train, pct, size, seed).Materialise(Train, csvSha);
            var sha = manifest.Write(Path.Combine(folder, name + ".json"));
            return Facts(manifest, sha);
        }).ToList();
    }

    static ManifestFacts Facts(Manifest m, string sha) =>
        new(m.Name ?? "", m.DefectPct, m.Size, m.DefectCount, m.Size - m.DefectCount, Math.Round(m.ActualDefectPct, 2), m.Seed, sha, m.SourceCsvSha256);

    /// <summary>How many images two manifests (files) have in common, and how many of each label.</summary>
    public static ManifestOverlap Overlap(string manifestA, string manifestB)
    {
        var a = Manifest.Read(manifestA);
        var b = Manifest.Read(manifestB);
        var inB = b.Filenames.Zip(b.Labels).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var shared = a.Filenames.Zip(a.Labels).Where(p => inB.ContainsKey(p.First)).ToList();
        return new ManifestOverlap(a.Name ?? Path.GetFileName(manifestA), b.Name ?? Path.GetFileName(manifestB),
            shared.Count, shared.Count(p => p.Second), shared.Count(p => !p.Second));
    }
}

/// <summary>Images two manifests share.</summary>
public sealed record ManifestOverlap(string A, string B, int SharedImages, int SharedDefects, int SharedNormals);
