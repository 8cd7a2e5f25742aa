using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SslAnomaly.Experiments;

namespace SslAnomaly.Bench;

/// <summary>Where one finished run's wall-clock time went, in seconds, from its run.log.</summary>
public sealed record RunSplit(string Run, string Method, string Backbone, double StartupAndData, double Pretraining, double Features, double ProbeAndGrid)
{
    public double Total => StartupAndData + Pretraining + Features + ProbeAndGrid;
}

/// <summary>
/// The time split of a finished sweep, read from each run's run.log: the "--- start" and "--- completed" stamps give the
/// run's wall-clock time; "training ... in X s" the pretraining (model build included); "features: ... in X s" the
/// frozen-feature extraction (decoding the probe and validation images included); "grid ... done at X s" the end of the
/// evaluation clock, which started with the features, so probe + grid is the difference. Start-up + data is the rest:
/// libtorch loading, preparing the data, and writing predictions and results after the grid. A resumed run (more than
/// one start) is split by its last completed attempt; a run without a completed attempt is left out.
/// </summary>
public static partial class TimeSplit
{
    public const string Phases = "start-up + data, pretraining, features, probe + grid";

    public static RunSplit? Parse(string run, string method, string backbone, IEnumerable<string> lines)
    {
        DateTimeOffset? start = null;
        double? pretraining = null, features = null, gridDone = null;
        RunSplit? last = null;
        foreach (var line in lines)
        {
            Match m;
            if ((m = Stamp().Match(line)).Success)
            {
                var at = DateTimeOffset.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                if (m.Groups[2].Value == "start")
                {
                    (start, pretraining, features, gridDone) = (at, null, null, null);
                }
                else if (m.Groups[2].Value == "completed" && start is { } s && pretraining is { } p && features is { } f && gridDone is { } g)
                {
                    double total = (at - s).TotalSeconds;
                    last = new RunSplit(run, method, backbone, total - p - g, p, f, g - f);
                }
            }
            else if ((m = Training().Match(line)).Success) pretraining = Seconds(m);
            else if ((m = FeaturesDone().Match(line)).Success) features = Seconds(m);
            else if ((m = GridDone().Match(line)).Success) gridDone = Seconds(m);
        }
        return last;
    }

    /// <summary>Every run folder below <paramref name="runsDirectory"/> with a run.log; method and backbone from its config.json.</summary>
    public static (List<RunSplit> Runs, List<string> Skipped) Read(string runsDirectory)
    {
        if (!Directory.Exists(runsDirectory)) throw new BenchUsageException($"--runs {runsDirectory}: no such folder");
        var runs = new List<RunSplit>();
        var skipped = new List<string>();
        foreach (var dir in Directory.GetDirectories(runsDirectory).Order(StringComparer.Ordinal))
        {
            string log = Path.Combine(dir, "run.log"), config = Path.Combine(dir, "config.json");
            if (!File.Exists(log) || !File.Exists(config)) continue;
            var json = JsonNode.Parse(File.ReadAllText(config)) as JsonObject;
            string name = Path.GetFileName(dir);
            // Either config shape: "method" is a name in older runs and a section with its name in current ones.
            string method = ConfigMigration.MethodName(json) ?? "?";
            string backbone = json?["backbone"] is JsonValue b && b.TryGetValue<string>(out var text) ? text : "?";
            var split = Parse(name, method, backbone, File.ReadLines(log));
            if (split is null) skipped.Add(name);
            else runs.Add(split);
        }
        return (runs, skipped);
    }

    static double Seconds(Match m) => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^--- (\S+) (start|completed)\b")]
    private static partial Regex Stamp();

    [GeneratedRegex(@"^training \w+ after \d+ steps in ([0-9.]+) s")]
    private static partial Regex Training();

    [GeneratedRegex(@"^features: .* in ([0-9.]+) s$")]
    private static partial Regex FeaturesDone();

    [GeneratedRegex(@"^grid with \d+ bootstrap samples done at ([0-9.]+) s$")]
    private static partial Regex GridDone();
}
