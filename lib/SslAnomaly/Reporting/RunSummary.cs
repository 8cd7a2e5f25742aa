using System.Globalization;
using System.Text.Json.Nodes;

namespace SslAnomaly.Reporting;

/// <summary>
/// What a report needs from one finished run folder: identity, status, final RankMe and the probe
/// metrics per validation share (result.json), plus per-epoch curves (metrics.csv).
/// </summary>
public sealed record RunSummary(
    string RunDirectory,
    string Method,
    string Backbone,
    double TrainDefectPct,
    int Seed,
    int Resolution,
    string Status,
    string? FailureReason,
    string ManifestSha256,
    double? RankMe,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics)
{
    /// <summary>A metric at a validation share ("1" ... "45", "natural"), or null when absent.</summary>
    public double? Metric(string valKey, string metric) =>
        Metrics.TryGetValue(valKey, out var m) && m.TryGetValue(metric, out var v) ? v : null;

    /// <summary>95 % bootstrap intervals: validation key -> metric -> (low, high) (result.json's "&lt;metric&gt;_ci95").</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, (double Low, double High)>> Intervals { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, (double Low, double High)>>();

    /// <summary>Supervised runs: the model scored by its own trained head (result.json's "head_metrics"), same shape as <see cref="Metrics"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? HeadMetrics { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, (double Low, double High)>>? HeadIntervals { get; init; }

    /// <summary>Trivial classifiers (result.json's "trivial"): name -> validation key -> metric -> value.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>> Trivial { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>>();

    /// <summary>Defect share of the probe-training set (runs before it was recorded: the train share).</summary>
    public double ProbeDefectPct { get; init; }

    /// <summary>The paper's setting: the probe trains at the pretraining share. Other runs belong to the fixed-probe panel.</summary>
    public bool ProbeAtTrainShare => ProbeDefectPct == TrainDefectPct;

    /// <summary>For a reference row derived from a run (the supervised head, a trivial classifier): what it is; null for a run's own probe.</summary>
    public string? Reference { get; init; }

    /// <summary>The 95 % interval of a metric at a validation share, or null when absent.</summary>
    public (double Low, double High)? Interval(string valKey, string metric) =>
        Intervals.TryGetValue(valKey, out var m) && m.TryGetValue(metric, out var v) ? v : null;

    /// <summary>Reads result.json; null when the folder holds no finished run.</summary>
    public static RunSummary? TryRead(string runDirectory)
    {
        var path = Path.Combine(runDirectory, "result.json");
        if (!File.Exists(path)) return null;
        JsonNode root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new UserInputException($"{path} is empty.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UserInputException($"{path} is not valid JSON: {e.Message}", e);
        }
        var metrics = Values(root["metrics"]);
        double trainPct = root["train_defect_pct"]?.GetValue<double>() ?? throw new UserInputException($"{path}: train_defect_pct is missing.");
        return new RunSummary(
            Path.GetFullPath(runDirectory),
            Required(root, "method", path), Required(root, "backbone", path),
            trainPct,
            root["seed"]?.GetValue<int>() ?? 0,
            root["resolution"]?.GetValue<int>() ?? 0,
            Required(root, "status", path),
            root["failure_reason"]?.GetValue<string>(),
            root["manifest_sha256"]?.GetValue<string>() ?? "",
            root["rankme"] is JsonValue r && r.TryGetValue<double>(out var rankMe) ? rankMe : null,
            metrics)
        {
            Intervals = IntervalsOf(root["metrics"]),
            HeadMetrics = root["head_metrics"] is JsonObject ? Values(root["head_metrics"]) : null,
            HeadIntervals = root["head_metrics"] is JsonObject ? IntervalsOf(root["head_metrics"]) : null,
            Trivial = root["trivial"] is JsonObject trivial
                ? trivial.Where(kv => kv.Value is JsonObject).ToDictionary(kv => kv.Key, kv => Values(kv.Value))
                : new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>>(),
            ProbeDefectPct = root["probe_defect_pct"] is JsonValue probe && probe.TryGetValue<double>(out var probePct) ? probePct : trainPct,
        };
    }

    /// <summary>A "metrics"-shaped object: validation key -> the numeric metrics of its cell.</summary>
    static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Values(JsonNode? byVal)
    {
        var metrics = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        if (byVal is JsonObject cells)
            foreach (var (valKey, cell) in cells)
                if (cell is JsonObject values)
                    metrics[valKey] = values.Where(kv => kv.Value is JsonValue v && v.TryGetValue<double>(out _))
                        .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());
        return metrics;
    }

    /// <summary>The "&lt;metric&gt;_ci95": [lo, hi] pairs of a "metrics"-shaped object (pairs with a null bound are left out).</summary>
    static IReadOnlyDictionary<string, IReadOnlyDictionary<string, (double Low, double High)>> IntervalsOf(JsonNode? byVal)
    {
        const string suffix = "_ci95";
        var intervals = new Dictionary<string, IReadOnlyDictionary<string, (double Low, double High)>>();
        if (byVal is JsonObject cells)
            foreach (var (valKey, cell) in cells)
                if (cell is JsonObject values)
                    intervals[valKey] = values
                        .Where(kv => kv.Key.EndsWith(suffix, StringComparison.Ordinal) && kv.Value is JsonArray { Count: 2 } a
                                     && a[0] is JsonValue lo && lo.TryGetValue<double>(out _) && a[1] is JsonValue hi && hi.TryGetValue<double>(out _))
                        .ToDictionary(kv => kv.Key[..^suffix.Length], kv => (kv.Value![0]!.GetValue<double>(), kv.Value![1]!.GetValue<double>()));
        return intervals;
    }

    /// <summary>Every run folder under <paramref name="root"/> (searched recursively) that holds result.json.</summary>
    public static IReadOnlyList<RunSummary> ReadAll(string root)
    {
        if (!Directory.Exists(root)) throw new UserInputException($"--runs {root} does not exist.");
        return Directory.EnumerateFiles(root, "result.json", SearchOption.AllDirectories)
            .Select(f => TryRead(Path.GetDirectoryName(f)!)!)
            .OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Backbone, StringComparer.Ordinal).ThenBy(r => r.TrainDefectPct).ThenBy(r => r.Seed)
            .ToList();
    }

    /// <summary>Per-epoch scalars from metrics.csv (step,name,value): name -> points in step order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(long Step, double Value)>> Curves()
    {
        var path = Path.Combine(RunDirectory, "metrics.csv");
        var curves = new Dictionary<string, List<(long, double)>>();
        if (!File.Exists(path)) return new Dictionary<string, IReadOnlyList<(long, double)>>();
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

    public static string ValKey(double pct) => pct.ToString(CultureInfo.InvariantCulture);

    static string Required(JsonNode root, string key, string path) =>
        root[key]?.GetValue<string>() ?? throw new UserInputException($"{path}: '{key}' is missing.");
}
