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
        var metrics = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        if (root["metrics"] is JsonObject byVal)
            foreach (var (valKey, cell) in byVal)
                if (cell is JsonObject values)
                    metrics[valKey] = values.Where(kv => kv.Value is JsonValue v && v.TryGetValue<double>(out _))
                        .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());
        return new RunSummary(
            Path.GetFullPath(runDirectory),
            Required(root, "method", path), Required(root, "backbone", path),
            root["train_defect_pct"]?.GetValue<double>() ?? throw new UserInputException($"{path}: train_defect_pct is missing."),
            root["seed"]?.GetValue<int>() ?? 0,
            root["resolution"]?.GetValue<int>() ?? 0,
            Required(root, "status", path),
            root["failure_reason"]?.GetValue<string>(),
            root["manifest_sha256"]?.GetValue<string>() ?? "",
            root["rankme"] is JsonValue r && r.TryGetValue<double>(out var rankMe) ? rankMe : null,
            metrics);
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
