using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Eval.OneClass;
using SslAnomaly.Numerics;

namespace SslAnomaly.Experiments;

/// <summary>
/// One finished run: result.json, the contract every report and check reads (docs/result-json.md), plus what makes the
/// number traceable: the manifests' hashes, the config's hash, steps, timings and the environment. The runner writes it;
/// <see cref="TryRead"/> reads it back for Table 1, the figures, the notebooks and the cross-run tables, with the folder
/// it came from, so that per-epoch curves (<see cref="Curves"/>) and the predictions beside it can be found.
/// </summary>
public sealed record RunResult
{
    public required RunStatus Status { get; init; }
    public string? FailureReason { get; init; }
    /// <summary>The collapse guard judged the run collapsed (a result: the run is still completed and probed).</summary>
    public bool Collapsed { get; init; }
    /// <summary>0-based global step at which it did (metrics.csv logs that step as collapse_step + 1); null when it did not.</summary>
    public long? CollapseStep { get; init; }
    public required string Method { get; init; } = "";
    public required string Backbone { get; init; } = "";
    public required int Resolution { get; init; }
    public required double TrainDefectPct { get; init; }
    public required int Seed { get; init; }
    public required string Profile { get; init; } = "";
    /// <summary>SHA-256 of the pretraining manifest.</summary>
    public required string ManifestSha256 { get; init; } = "";
    public IReadOnlyDictionary<string, string> ValManifestSha256 { get; init; } = new Dictionary<string, string>();
    /// <summary>Defect share (percent) and size of the set the linear probe trains on, drawn from the training split.</summary>
    public double ProbeDefectPct { get; init; }
    public int ProbeSize { get; init; }
    public string ProbeManifestSha256 { get; init; } = "";
    public required string ConfigSha256 { get; init; } = "";
    /// <summary>Final RankMe of the backbone features on the monitoring sample (null when training stopped before an epoch end).</summary>
    public double? Rankme { get; init; }
    public double? RankmeProjector { get; init; }
    /// <summary>Probe metrics keyed by validation defect share ("1" ... "45", "natural").</summary>
    public IReadOnlyDictionary<string, MetricsReport> Metrics { get; init; } = new Dictionary<string, MetricsReport>();
    /// <summary>Supervised only: the model scored by its own trained head (same shape as <see cref="Metrics"/>); null otherwise.</summary>
    public IReadOnlyDictionary<string, MetricsReport>? HeadMetrics { get; init; }
    /// <summary>Classifiers that see no image (<see cref="TrivialClassifiers"/>): name -> validation key -> metrics.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricsReport>> Trivial { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, MetricsReport>>();
    /// <summary>
    /// The same three on the held-out test split (same keys and shapes); null for a run that did not score it. No setting
    /// of a profile or recipe was chosen by looking at these: reports show them, with the validation numbers beside.
    /// </summary>
    public IReadOnlyDictionary<string, MetricsReport>? TestMetrics { get; init; }
    public IReadOnlyDictionary<string, MetricsReport>? TestHeadMetrics { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricsReport>>? TestTrivial { get; init; }
    public IReadOnlyDictionary<string, string>? TestManifestSha256 { get; init; }
    /// <summary>
    /// Without defect labels (docs/one-class.md): each one-class detector on each reference pool ("knn_clean",
    /// "mahalanobis_contaminated", ...) scored on the same subsets as the probe, and the probe trained on small label budgets
    /// ("10", ..., "all"); null when the study was off or the run predates it. The test split's twins beside them.
    /// </summary>
    public IReadOnlyDictionary<string, OneClassReport>? OneClass { get; init; }
    public IReadOnlyDictionary<string, LabelBudgetReport>? LabelEfficiency { get; init; }
    public IReadOnlyDictionary<string, OneClassReport>? TestOneClass { get; init; }
    public IReadOnlyDictionary<string, LabelBudgetReport>? TestLabelEfficiency { get; init; }
    /// <summary>Seconds of <see cref="EvaluationSeconds"/> the study without defect labels took (both splits).</summary>
    public double OneClassSeconds { get; init; }
    public long Steps { get; init; }
    public double? FinalLoss { get; init; }
    public double? ImagesPerSecond { get; init; }
    public double PretrainSeconds { get; init; }
    public double EvaluationSeconds { get; init; }
    public int SkippedImages { get; init; }
    /// <summary>"path: reason (listed at csv:line)" for each skipped image, sorted by path.</summary>
    public IReadOnlyList<string> SkippedImageFiles { get; init; } = [];
    public string DataSource { get; init; } = "";
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>The CPU and libtorch build the run computed on, and what the kernel check found (null in runs that predate it).</summary>
    public NumericsReport? Numerics { get; init; }
    public DateTimeOffset FinishedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The run folder this result was read from ("" for one not read from disk); not part of result.json.</summary>
    [JsonIgnore] public string RunDirectory { get; init; } = "";

    /// <summary>For a reference row derived from a run (the supervised head, a trivial classifier): what it is; null for a run's own probe.</summary>
    [JsonIgnore] public string? Reference { get; init; }

    [JsonIgnore] public bool IsCompleted => Status == RunStatus.Completed;

    /// <summary>The split <see cref="Metrics"/>, <see cref="HeadMetrics"/>, <see cref="Trivial"/>, <see cref="OneClass"/> and <see cref="LabelEfficiency"/> hold in this value: validation as
    /// read from result.json, test in the view <see cref="On"/> returns.</summary>
    [JsonIgnore] public SewerMlSplit ScoredSplit { get; init; } = SewerMlSplit.Val;

    /// <summary>Whether the run scored <paramref name="split"/> (every completed run scored validation).</summary>
    public bool Scored(SewerMlSplit split) => split == SewerMlSplit.Val || TestMetrics is not null;

    /// <summary>
    /// This run as seen on <paramref name="split"/>: <see cref="Metrics"/>, <see cref="HeadMetrics"/>, <see cref="Trivial"/> and
    /// <see cref="ValManifestSha256"/> hold that split's values and <see cref="ScoredSplit"/> says which, so that every table,
    /// figure and comparison reads the split it is given without knowing there are two. A view for reading: never written back.
    /// </summary>
    public RunResult On(SewerMlSplit split)
    {
        if (split == ScoredSplit) return this;
        var read = AsRead ?? this;
        if (split == SewerMlSplit.Val) return read;
        if (split != SewerMlSplit.Test) throw new ArgumentException($"a run is scored on validation and test, not {split.Id()}", nameof(split));
        return read with
        {
            Metrics = read.TestMetrics ?? new Dictionary<string, MetricsReport>(),
            HeadMetrics = read.TestHeadMetrics,
            Trivial = read.TestTrivial ?? new Dictionary<string, IReadOnlyDictionary<string, MetricsReport>>(),
            ValManifestSha256 = read.TestManifestSha256 ?? new Dictionary<string, string>(),
            OneClass = read.TestOneClass,
            LabelEfficiency = read.TestLabelEfficiency,
            ScoredSplit = split,
            AsRead = read,
        };
    }

    /// <summary>This run on the split it is reported on alone: test when it scored it, else validation.</summary>
    public RunResult OnReportedSplit() => On(Scored(SewerMlSplit.Test) ? SewerMlSplit.Test : SewerMlSplit.Val);

    /// <summary>The run as read from result.json, behind a view of another split (null in the value read).</summary>
    [JsonIgnore] RunResult? AsRead { get; init; }

    /// <summary>
    /// The split a set of runs is reported on: the held-out test split when every completed run scored it, else validation
    /// (runs from before the test split, or with test_split=false), so that one table never mixes the two.
    /// </summary>
    public static SewerMlSplit ReportedSplit(IEnumerable<RunResult> runs) =>
        runs.Where(r => r.IsCompleted).All(r => r.Scored(SewerMlSplit.Test)) && runs.Any(r => r.IsCompleted) ? SewerMlSplit.Test : SewerMlSplit.Val;

    /// <summary>The probe's P(defect) per image of an evaluated split (<c>predictions-val.csv</c>, <c>predictions-test.csv</c>).</summary>
    public static string PredictionsFile(SewerMlSplit split) => $"predictions-{split.Id()}.csv";

    /// <summary>The labels of the same images as a Sewer-ML annotation file (<c>truth-val.csv</c>, <c>truth-test.csv</c>).</summary>
    public static string TruthFile(SewerMlSplit split) => $"truth-{split.Id()}.csv";

    /// <summary>Manifest file of an evaluated subset in the run folder (<c>manifests/val-5.json</c>, <c>manifests/test-natural.json</c>).</summary>
    public static string SubsetManifestFile(SewerMlSplit split, string key) => Path.Combine("manifests", $"{split.Id()}-{key}.json");

    /// <summary>The paper's setting: the probe trains at the pretraining share. Other runs belong to the fixed-probe panel.</summary>
    [JsonIgnore] public bool ProbeAtTrainShare => ProbeDefectPct == TrainDefectPct;

    /// <summary>A scalar metric (<see cref="DefectMetrics.ScalarNames"/>) at a validation key ("1" ... "45", "natural"); null when absent or undefined.</summary>
    public double? Metric(string validationKey, string metric) =>
        Metrics.TryGetValue(validationKey, out var report) ? report.Scalar(metric) : null;

    /// <summary>The bootstrap interval of a metric at a validation key; null when absent or when a bound is undefined.</summary>
    public (double Low, double High)? Interval(string validationKey, string metric) =>
        Metrics.TryGetValue(validationKey, out var report) && report.Interval(metric) is [double low, double high] ? (low, high) : null;

    /// <summary>Per-epoch scalars from the run folder's metrics.csv (step,name,value): name -> points in step order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(long Step, double Value)>> Curves()
    {
        var path = Path.Combine(RunDirectory, "metrics.csv");
        var curves = new Dictionary<string, List<(long, double)>>();
        if (RunDirectory.Length == 0 || !File.Exists(path)) return new Dictionary<string, IReadOnlyList<(long, double)>>();
        // Tolerant of a torn last line: the file may belong to a run that another process is still writing.
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length < 3) continue;
            if (!long.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var step)) continue;
            if (!double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) continue;
            if (!curves.TryGetValue(cells[1], out var list)) curves[cells[1]] = list = new();
            list.Add((step, value));
        }
        return curves.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(long, double)>)kv.Value);
    }

    /// <summary>
    /// Reads a run folder's result.json; null when the folder holds no finished run. Only status, method, backbone and
    /// train_defect_pct are required: results written by earlier builds lack later keys (probe_defect_pct then defaults
    /// to the train share, as those runs probed at it).
    /// </summary>
    public static RunResult? TryRead(string runDirectory)
    {
        var path = Path.Combine(runDirectory, Experiments.RunDirectory.ResultFile);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new UserInputException($"{path} is not a JSON object.");
            foreach (var key in (string[])["status", "method", "backbone", "train_defect_pct"])
                if (root[key] is null) throw new UserInputException($"{path}: '{key}' is missing.");
            var result = root.Deserialize<RunResult>(Reading)!;
            return result with
            {
                RunDirectory = Path.GetFullPath(runDirectory),
                ProbeDefectPct = root.ContainsKey("probe_defect_pct") ? result.ProbeDefectPct : result.TrainDefectPct,
            };
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a valid result: {e.Message}", e);
        }
    }

    /// <summary>Every run folder under <paramref name="root"/> (searched recursively) that holds result.json, by method, backbone, share and seed.
    /// A published study (study.json beside runs/) is its runs/ alone: the notebooks' grids it keeps beside them ran at another
    /// profile for other questions, and must not enter its tables.</summary>
    public static IReadOnlyList<RunResult> ReadAll(string root)
    {
        if (!System.IO.Directory.Exists(root)) throw new UserInputException($"--runs {root} does not exist.");
        if (File.Exists(Path.Combine(root, StudyPublisher.StudyFile)) && System.IO.Directory.Exists(Path.Combine(root, StudyPublisher.RunsFolder)))
            root = Path.Combine(root, StudyPublisher.RunsFolder);
        return System.IO.Directory.EnumerateFiles(root, Experiments.RunDirectory.ResultFile, SearchOption.AllDirectories)
            .Select(f => TryRead(Path.GetDirectoryName(f)!)!)
            .OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Backbone, StringComparer.Ordinal).ThenBy(r => r.TrainDefectPct).ThenBy(r => r.Seed)
            .ToList();
    }

    public static readonly JsonSerializerOptions Json = new(EvalJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary><see cref="Json"/> without the required-key check, which <see cref="TryRead"/> does itself for the keys it needs.</summary>
    static readonly JsonSerializerOptions Reading = new(Json)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { type => { foreach (var p in type.Properties) p.IsRequired = false; } } },
    };
}
