using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Data;
using SslAnomaly.Eval;

namespace SslAnomaly.Experiments;

/// <summary>How one number of a committed run compares with the same number of its rerun.</summary>
public enum ReplicationVerdict
{
    /// <summary>The same value (up to the last bits of a printed double).</summary>
    Identical,
    /// <summary>Another value, inside the committed value's 95 % interval.</summary>
    WithinInterval,
    /// <summary>Another value, outside the interval (or without one).</summary>
    Differs,
}

/// <summary>One metric of one subset of one split, committed against rerun.</summary>
public sealed record MetricReplication(SewerMlSplit Split, string Key, string Metric, double Committed, double Rerun, double? Low, double? High, ReplicationVerdict Verdict);

/// <summary>
/// A committed run against its rerun from the same config.json. With the same code on the same kind of CPU (model,
/// family, flags, libtorch and thread count) a run is a function of its config, so every number must come back
/// identical; elsewhere kernels sum in other orders and a number may move, but only within its interval. The data
/// (manifest hashes) must be identical everywhere: another image set is another experiment.
/// </summary>
public sealed record ReplicationReport(RunResult Committed, RunResult Rerun, bool SameCode, bool SameMachineKind,
    IReadOnlyList<string> DataDifferences, IReadOnlyList<MetricReplication> Metrics)
{
    /// <summary>Identity is required where code and machine kind match, the interval elsewhere.</summary>
    public bool StrictlyComparable => SameCode && SameMachineKind;

    public bool Replicated => DataDifferences.Count == 0 && Metrics.Count > 0 &&
        Metrics.All(m => m.Verdict == ReplicationVerdict.Identical || (!StrictlyComparable && m.Verdict == ReplicationVerdict.WithinInterval));

    public string Summary
    {
        get
        {
            int identical = Metrics.Count(m => m.Verdict == ReplicationVerdict.Identical);
            int within = Metrics.Count(m => m.Verdict == ReplicationVerdict.WithinInterval);
            int differ = Metrics.Count - identical - within;
            string expected = StrictlyComparable
                ? "same code and same kind of CPU: every number must be identical"
                : $"{(SameCode ? "same code" : "other code")} on {(SameMachineKind ? "the same" : "another")} kind of CPU: every number must lie within its interval";
            string data = DataDifferences.Count == 0 ? "same images" : $"different data: {string.Join("; ", DataDifferences)}";
            return $"{(Replicated ? "replicated" : "NOT replicated")} ({expected}; {data}): {identical} of {Metrics.Count} numbers identical, {within} within their interval, {differ} outside";
        }
    }
}

/// <summary>Reruns a finished run from its own config.json and compares the numbers (`ssl-anomaly rerun`).</summary>
public static class RunReplication
{
    /// <summary>A run folder's config.json as the current code runs it (older shapes upgraded).</summary>
    public static ExperimentConfig ConfigOf(string runDirectory)
    {
        var path = Path.Combine(runDirectory, RunDirectory.ConfigFile);
        if (!File.Exists(path)) throw new UserInputException($"{path} does not exist: give a run folder (config.json, result.json).");
        try
        {
            var stored = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new UserInputException($"{path} is not a JSON object.");
            return JsonSerializer.Deserialize<ExperimentConfig>(ConfigMigration.Resolve(stored).ToJsonString(), ExperimentConfig.Json)
                ?? throw new UserInputException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not a valid config: {e.Message}", e);
        }
    }

    /// <summary>Every scalar metric of every subset of both splits, and the data identity, committed against rerun.</summary>
    public static ReplicationReport Compare(RunResult committed, RunResult rerun, double tolerance = 1e-12)
    {
        var data = new List<string>();
        if (committed.ManifestSha256 != rerun.ManifestSha256) data.Add("training manifest");
        if (committed.ProbeManifestSha256.Length > 0 && committed.ProbeManifestSha256 != rerun.ProbeManifestSha256) data.Add("probe manifest");
        foreach (var (split, read) in new[] { (SewerMlSplit.Val, (Func<RunResult, IReadOnlyDictionary<string, string>?>)(r => r.ValManifestSha256)), (SewerMlSplit.Test, r => r.TestManifestSha256) })
            foreach (var (key, sha) in read(committed) ?? new Dictionary<string, string>())
                if (read(rerun)?.GetValueOrDefault(key) != sha) data.Add($"{split.Id()} subset {key}");

        var metrics = new List<MetricReplication>();
        foreach (var split in new[] { SewerMlSplit.Val, SewerMlSplit.Test }.Where(committed.Scored))
        {
            var a = committed.On(split);
            var b = rerun.On(split);
            foreach (var (key, report) in a.Metrics)
                foreach (var metric in Metric.All)
                {
                    if (report.Scalar(metric) is not { } value) continue;
                    double again = b.Metric(key, metric) ?? double.NaN;
                    var interval = a.Interval(key, metric);
                    var verdict = Math.Abs(value - again) <= tolerance * Math.Max(1, Math.Abs(value)) ? ReplicationVerdict.Identical
                        : interval is { } ci && again >= ci.Low && again <= ci.High ? ReplicationVerdict.WithinInterval
                        : ReplicationVerdict.Differs;
                    metrics.Add(new MetricReplication(split, key, metric.Name, value, again, interval?.Low, interval?.High, verdict));
                }
        }
        bool sameCode = committed.Environment.GetValueOrDefault("code_commit") is { Length: > 0 } commit && commit == rerun.Environment.GetValueOrDefault("code_commit");
        return new ReplicationReport(committed, rerun, sameCode, SameMachineKind(committed, rerun), data, metrics);
    }

    /// <summary>The same CPU model, family, flags, libtorch build and thread count: what decides which kernels run.</summary>
    static bool SameMachineKind(RunResult a, RunResult b) =>
        a.Numerics is { } x && b.Numerics is { } y &&
        (x.Cpu, x.CpuFamily, x.CpuModel, x.CpuCapability, x.Libtorch, x.Onednn, x.Threads) == (y.Cpu, y.CpuFamily, y.CpuModel, y.CpuCapability, y.Libtorch, y.Onednn, y.Threads) &&
        x.CpuFlags.SequenceEqual(y.CpuFlags) && x.Failures.Select(f => f.Op).SequenceEqual(y.Failures.Select(f => f.Op));

    /// <summary>The differing numbers (or the first few of all) as lines for a terminal.</summary>
    public static IEnumerable<string> Lines(ReplicationReport report, int most = 12)
    {
        var shown = report.Metrics.Where(m => m.Verdict != ReplicationVerdict.Identical).Take(most).ToList();
        foreach (var m in shown)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {m.Split.Id(),-4} {m.Key,-8} {m.Metric,-10} committed {m.Committed:0.000000} rerun {m.Rerun:0.000000} " +
                $"[{m.Low?.ToString("0.000", CultureInfo.InvariantCulture) ?? "–"}, {m.High?.ToString("0.000", CultureInfo.InvariantCulture) ?? "–"}] {m.Verdict}");
    }
}
