using System.Globalization;
using SslAnomaly.Data;
using SslAnomaly.Eval;

namespace SslAnomaly.Experiments;

/// <summary>One subset of an experiment: its manifest (written into the run folder) and its image files.</summary>
public sealed record ExperimentSubset(string Key, Manifest Manifest, string ManifestSha256, IReadOnlyList<string> ImagePaths, IReadOnlyList<int> CodeMasks)
{
    /// <summary>The CSV row ("path:line") that lists each image, for messages about a bad image.</summary>
    public IReadOnlyList<string>? Sources { get; init; }
}

/// <summary>
/// The subsets one evaluated split is scored on: one per defect share of the grid plus the natural one, and their union,
/// whose features are extracted once for all of them.
/// </summary>
public sealed record EvaluatedSplit(SewerMlSplit Split, IReadOnlyList<ExperimentSubset> Subsets, ExperimentSubset Union);

/// <summary>
/// The data of one experiment: the pretraining subset at the train defect share, the probe-training set at the
/// probe share (both from the training split), and per evaluated split (validation, and the held-out test split) one
/// subset per defect share plus the natural one, all as manifests in the run folder's manifests/. Evaluated subsets
/// depend only on the seed, so every method and train share is scored on the same images. Settings are chosen on
/// validation; results are reported on test, which no choice has seen.
/// </summary>
public sealed record ExperimentData(
    string DataRoot,
    string Source,
    ExperimentSubset Train,
    EvaluatedSplit Validation,
    EvaluatedSplit? Test,
    ExperimentSubset Probe)
{
    /// <summary>Default probe-set size: 50 defects even at a 1 % probe share.</summary>
    public const int DefaultProbeSize = 5000;

    /// <summary>Seed offsets of the evaluated subsets, so they differ from the training draw of the same seed.</summary>
    const long ValidationSeedOffset = 1_000_003, TestSeedOffset = 2_000_003;

    /// <summary>Validation, then test when the experiment scores it.</summary>
    public IReadOnlyList<EvaluatedSplit> Evaluated => Test is null ? [Validation] : [Validation, Test];

    public static ExperimentData Prepare(ExperimentConfig config, string runDirectory, TextWriter log)
    {
        string source = config.DataRoot is null ? "embedded" : "sewer-ml";
        string rootPath = config.DataRoot ?? EmbeddedDataset.Ensure(config.Embedded, log);
        var root = SewerMlDataRoot.Open(rootPath);
        var manifests = Path.Combine(runDirectory, "manifests");
        Directory.CreateDirectory(manifests);

        var trainTable = root.ReadTable(SewerMlSplit.Train, requireLabels: true);
        string trainSha = FileHash.Sha256(trainTable.SourcePath);
        var trainRows = ImbalancedSubset.Select(trainTable, config.TrainDefectPct, config.TrainSize, config.Seed);
        // The probe is trained on this subset and needs both classes (1 % of 32 images is no defect at all).
        int trainDefects = trainRows.Count(r => trainTable.Defect[r]);
        if (trainDefects == 0 || trainDefects == trainRows.Length)
            throw new UserInputException($"the training subset ({trainRows.Length} images at {Pct(config.TrainDefectPct)} % defects) holds " +
                $"{(trainDefects == 0 ? "no defective" : "no normal")} image, and the linear probe needs both: raise train_size " +
                $"(at least {(int)Math.Ceiling(100 / Math.Min(config.TrainDefectPct, 100 - config.TrainDefectPct))} for this share)");
        var train = Subset(root, trainTable, trainSha, trainRows, $"train-{Pct(config.TrainDefectPct)}", SewerMlSplit.Train,
            config.TrainDefectPct, config.Seed, manifests, config.SkipBadImages);

        // The probe set is drawn with the pretraining seed: at the train share and size it is the pretraining subset
        // itself (subsets of one seed are nested prefixes), elsewhere it overlaps it as much as the shares allow.
        double probePct = config.ProbeDefectPct ?? config.TrainDefectPct;
        int probeSize = config.ProbeSize > 0 ? config.ProbeSize : AutoProbeSize(trainTable, probePct);
        var probe = Subset(root, trainTable, trainSha, ImbalancedSubset.Select(trainTable, probePct, probeSize, config.Seed),
            $"probe-{Pct(probePct)}", SewerMlSplit.Train, probePct, config.Seed, manifests, config.SkipBadImages);

        var validation = Evaluate(root, SewerMlSplit.Val, config, config.Seed + ValidationSeedOffset, manifests);
        var test = config.TestSplit ? Evaluate(root, SewerMlSplit.Test, config, config.Seed + TestSeedOffset, manifests) : null;
        log.WriteLine($"data: {source} at {rootPath}; train {train.Manifest.Size} images ({train.Manifest.ActualDefectPct:F2} % defects, manifest {train.ManifestSha256[..12]}); " +
                      $"probe {probe.Manifest.Size} images ({probe.Manifest.ActualDefectPct:F2} % defects, manifest {probe.ManifestSha256[..12]}); " +
                      string.Join("; ", new[] { validation, test }.OfType<EvaluatedSplit>().Select(e =>
                          $"{e.Split.Id()} subsets {string.Join(", ", e.Subsets.Select(s => $"{s.Key}: {s.Manifest.Size} ({s.Manifest.DefectCount} defects)"))}")));
        return new ExperimentData(rootPath, source, train, validation, test, probe);
    }

    /// <summary>One subset per grid share (and the natural one) of an evaluated split, and their union.</summary>
    static EvaluatedSplit Evaluate(SewerMlDataRoot root, SewerMlSplit split, ExperimentConfig config, long seed, string manifests)
    {
        SewerMlTable table;
        try
        {
            table = root.ReadTable(split, requireLabels: split != SewerMlSplit.Test);
        }
        catch (UserInputException e) when (split == SewerMlSplit.Test)
        {
            throw new UserInputException($"{e.Message}; results are reported on a labelled test split: give one, or set test_split=false to report on validation", e);
        }
        if (!table.HasLabels)
            throw new UserInputException($"{table.SourcePath} has no label columns (Sewer-ML's public test annotations list filenames only): " +
                                         "give a labelled copy, or set test_split=false to report on validation");
        string sha = FileHash.Sha256(table.SourcePath);
        var subsets = new List<ExperimentSubset>();
        foreach (var pct in config.ValDefectPcts)
            subsets.Add(Subset(root, table, sha, ImbalancedSubset.Select(table, pct, config.ValSize, seed), Pct(pct), split, pct, seed, manifests, config.SkipBadImages));
        if (config.ValNatural)
            subsets.Add(Subset(root, table, sha, ImbalancedSubset.Natural(table, config.ValNaturalSize > 0 ? Math.Min(config.ValNaturalSize, table.Count) : null, seed),
                ImbalanceGrid.NaturalKey, split, null, seed, manifests, config.SkipBadImages));
        // Features are extracted once for every image any subset uses.
        var unionRows = subsets.SelectMany(s => table.RowsOf(s.Manifest.Filenames)).Distinct().Order().ToArray();
        var union = Subset(root, table, sha, unionRows, "union", split, null, seed, manifests, config.SkipBadImages);
        return new EvaluatedSplit(split, subsets, union);
    }

    /// <summary><see cref="DefaultProbeSize"/>, or the largest size the split supplies at every paper share and at
    /// <paramref name="probePct"/> (small embedded splits), so that the probe set's size does not move with its share.</summary>
    public static int AutoProbeSize(SewerMlTable trainTable, double probePct)
    {
        int defects = trainTable.Defect.Count(d => d), normals = trainTable.Count - defects;
        int size = Grids.PaperTrainShares.Append(probePct).Min(pct => ImbalancedSubset.MaxSize(defects, normals, pct));
        return Math.Min(DefaultProbeSize, Math.Max(1, size));
    }

    static ExperimentSubset Subset(SewerMlDataRoot root, SewerMlTable table, string csvSha, IReadOnlyList<int> rows, string key,
        SewerMlSplit split, double? pct, long seed, string manifestFolder, bool skipBadImages)
    {
        var manifest = Manifest.FromRows(table, rows, key, split, pct, seed, csvSha);
        string sha = manifest.Write(Path.Combine(manifestFolder, split == SewerMlSplit.Train ? $"{key}.json" : $"{split.Id()}-{key}.json"));
        var codes = table.Codes;
        var masks = rows.Select(r =>
        {
            int mask = 0;
            for (int k = 0; k < SewerMlCodes.Codes.Count; k++) if (codes[r, k]) mask |= 1 << k;
            return mask;
        }).ToArray();
        var paths = root.ImagePaths(split, manifest.Filenames, verify: false);
        var sources = rows.Select(table.RowLocation).ToArray();
        // Missing files fail here, before training, naming file and CSV row; with skip_bad_images the loader leaves them out.
        if (!skipBadImages)
        {
            var missing = Enumerable.Range(0, paths.Length).Where(i => !File.Exists(paths[i])).ToList();
            if (missing.Count > 0)
                throw new UserInputException($"{missing.Count} of {paths.Length} image(s) of the {split.Id()} split are missing: " +
                    string.Join(", ", missing.Take(SewerMlDataRoot.MissingExamples).Select(i => $"{paths[i]} (listed at {sources[i]})")) +
                    "; restore them or pass --skip-bad-images to leave them out");
        }
        return new ExperimentSubset(key, manifest, sha, paths, masks) { Sources = sources };
    }

    static string Pct(double pct) => pct.ToString(CultureInfo.InvariantCulture);
}
