using System.Globalization;
using System.Text.Json.Nodes;
using SslAnomaly.Eval.LabelFree;
using SslAnomaly.Experiments;

namespace SslAnomaly.Analysis;

/// <summary>One epoch end of a run: its monitor values by curve name, the epoch's mean pretraining loss, and the probe's F1
/// by validation key where the run probed every epoch (<see cref="EpochProbeMonitor"/>).</summary>
public sealed record EpochValues(int Epoch, long Step, IReadOnlyDictionary<string, double> Curves, double Loss, IReadOnlyDictionary<string, double> ProbeF1);

/// <summary>
/// What the label-free analysis needs from one finished run: its summary (result.json), the label-free metrics at every
/// epoch end (metrics.csv), and <see cref="Setting"/>, the config keys in which it differs from the other runs of its
/// (method, backbone, train share, seed) group: the hyper-parameter a model selection chooses over.
/// </summary>
public sealed record AnalysisRun(RunResult Summary, string Family, string Setting, IReadOnlyList<EpochValues> Epochs)
{
    public string Method => Summary.Method;
    public string Backbone => Summary.Backbone;

    /// <summary>
    /// The finished probe's F1 on the natural split against the random-init floor of its backbone (two-sided paired
    /// bootstrap with its q over every run of the folder, <see cref="Reporting.FloorComparisons"/>); null where the folder
    /// holds no matching floor run.
    /// </summary>
    public Reporting.FloorTest? Floor { get; init; }

    public Eval.FloorVerdict? FloorVerdict => Floor?.Verdict;

    public string Label => string.Create(CultureInfo.InvariantCulture,
        $"{Summary.Method}/{Summary.Backbone}/{Summary.TrainDefectPct:0.##}%{(Summary.Seed == 0 ? "" : $"/seed {Summary.Seed}")}{(Setting.Length == 0 ? "" : $" [{Setting}]")}");

    /// <summary>
    /// The experimental cell: what an experimenter sets (method, backbone, train share, input resolution). Runs of one
    /// cell (seeds, hyper-parameter variants) are not independent evidence about a metric; <see cref="CellBootstrap"/>
    /// resamples cells, then runs within them.
    /// </summary>
    public string Cell => string.Create(CultureInfo.InvariantCulture, $"{Summary.Method}/{Summary.Backbone}/{Summary.TrainDefectPct:0.##}%/{Summary.Resolution}px");

    /// <summary>The runs a model selection chooses among: same method, backbone, train share and seed.</summary>
    public string GroupKey => string.Create(CultureInfo.InvariantCulture, $"{Summary.Method}/{Summary.Backbone}/{Summary.TrainDefectPct:0.##}%/seed {Summary.Seed}");

    /// <summary>The metric at an epoch end; null where it was not logged or is not finite.</summary>
    public double? Value(LabelFreeMetric metric, FeatureSpace space, int epochIndex)
    {
        if (epochIndex < 0 || epochIndex >= Epochs.Count) return null;
        var epoch = Epochs[epochIndex];
        double v = metric == LabelFreeMetrics.Loss ? epoch.Loss
            : epoch.Curves.TryGetValue(metric.CurveName(space), out var c) ? c : double.NaN;
        return double.IsFinite(v) ? v : null;
    }

    /// <summary>The metric at the last epoch end: what a finished model is judged by.</summary>
    public double? Final(LabelFreeMetric metric, FeatureSpace space) => Value(metric, space, Epochs.Count - 1);

    /// <summary>Probe F1 of the finished model (result.json) at a validation key.</summary>
    public double? FinalF1(string validationKey) => Summary.Metric(validationKey, "f1");

    /// <summary>Probe F1 after an epoch: the per-epoch probe where logged; the last epoch falls back to result.json.</summary>
    public double? F1At(int epochIndex, string validationKey)
    {
        if (epochIndex < 0 || epochIndex >= Epochs.Count) return null;
        if (Epochs[epochIndex].ProbeF1.TryGetValue(validationKey, out var f1) && double.IsFinite(f1)) return f1;
        return epochIndex == Epochs.Count - 1 ? FinalF1(validationKey) : null;
    }

    /// <summary>Epochs with the per-epoch probe.</summary>
    public bool ProbedEveryEpoch => Epochs.Count > 0 && Epochs.All(e => e.ProbeF1.Count > 0);

    /// <summary>Reads the epochs of a finished run from metrics.csv; a pretraining run without metrics.csv is an error naming the file.</summary>
    public static AnalysisRun Read(RunResult summary, string setting)
    {
        var family = MethodFamily.Of(summary.Method);
        var csv = Path.Combine(summary.RunDirectory, "metrics.csv");
        if (!summary.IsCompleted) return new AnalysisRun(summary, family, setting, []);
        if (!File.Exists(csv)) throw new UserInputException($"{csv} is missing: the run's per-epoch metrics are needed (is {summary.RunDirectory} a finished run folder?).");
        var curves = summary.Curves();
        if (!curves.TryGetValue(LabelFreeMetrics.RankMe.CurveName(FeatureSpace.Backbone), out var epochEnds) || epochEnds.Count == 0)
            return new AnalysisRun(summary, family, setting, []);
        var steps = epochEnds.Select(p => p.Step).Distinct().Order().ToList();
        var losses = curves.TryGetValue(LabelFreeMetrics.LossCurve, out var l) ? l : [];
        var epochs = new List<EpochValues>();
        long previous = 0;
        for (int e = 0; e < steps.Count; e++)
        {
            long step = steps[e];
            var at = curves.Where(c => c.Key.StartsWith("rankme/", StringComparison.Ordinal) || c.Key.StartsWith("labelfree/", StringComparison.Ordinal))
                .Select(c => (c.Key, Point: c.Value.LastOrDefault(p => p.Step == step)))
                .Where(c => c.Point.Step == step).ToDictionary(c => c.Key, c => c.Point.Value);
            var probe = curves.Where(c => c.Key.StartsWith("probe/f1/", StringComparison.Ordinal))
                .Select(c => (Key: c.Key["probe/f1/".Length..], Point: c.Value.LastOrDefault(p => p.Step == step)))
                .Where(c => c.Point.Step == step).ToDictionary(c => c.Key, c => c.Point.Value);
            var epochLoss = losses.Where(p => p.Step > previous && p.Step <= step).Select(p => p.Value).ToList();
            epochs.Add(new EpochValues(e, step, at, epochLoss.Count == 0 ? double.NaN : epochLoss.Average(), probe));
            previous = step;
        }
        return new AnalysisRun(summary, family, setting, epochs);
    }

    /// <summary>
    /// Every finished run under <paramref name="runsDir"/>, read on the split <see cref="RunResult.ReportedSplit"/> picks, each labelled with the config keys that differ within its
    /// (method, backbone, train share, seed) group. Errors name the folder: none there, no finished run, a broken file.
    /// </summary>
    public static IReadOnlyList<AnalysisRun> ReadAll(string runsDir)
    {
        if (!Directory.Exists(runsDir)) throw new UserInputException($"--runs {runsDir} does not exist.");
        var summaries = RunResult.ReadAll(runsDir);
        if (summaries.Count == 0) throw new UserInputException($"--runs {runsDir} holds no finished run (no result.json below it).");
        var configs = summaries.ToDictionary(s => s.RunDirectory, s => FlatConfig(Path.Combine(s.RunDirectory, RunDirectory.ConfigFile)));
        var settings = new Dictionary<string, string>();
        foreach (var group in summaries.GroupBy(s => (s.Method, s.Backbone, s.TrainDefectPct, s.Seed)))
        {
            var members = group.ToList();
            var varying = members.SelectMany(m => configs[m.RunDirectory].Keys).Distinct()
                .Where(k => members.Select(m => configs[m.RunDirectory].GetValueOrDefault(k, "default")).Distinct().Count() > 1)
                .Order(StringComparer.Ordinal).ToList();
            foreach (var m in members)
                settings[m.RunDirectory] = string.Join(", ", varying.Select(k => $"{k}={configs[m.RunDirectory].GetValueOrDefault(k, "default")}"));
        }
        // Findings are read on the held-out test split when every run scored it (RunResult.ReportedSplit).
        var split = RunResult.ReportedSplit(summaries);
        return summaries.Select(s => Read(s.On(split), settings[s.RunDirectory])).ToList();
    }

    /// <summary>config.json as dotted key -> JSON text (empty when the file is absent: older or hand-made folders).</summary>
    static Dictionary<string, string> FlatConfig(string path)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return flat;
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException e) { throw new UserInputException($"{path} is not valid JSON: {e.Message}", e); }
        void Walk(JsonNode? node, string prefix)
        {
            if (node is JsonObject o) foreach (var (k, v) in o) Walk(v, prefix.Length == 0 ? k : $"{prefix}.{k}");
            else flat[prefix] = node?.ToJsonString() ?? "null";
        }
        // Folders of the older flat shape are read in the current one, so that a mix of old and new runs compares key by key.
        Walk(root is JsonObject config ? Experiments.ConfigMigration.Upgrade(config) : root, "");
        // Where a run was written is not a setting.
        foreach (var k in flat.Keys.Where(k => k is "data_root").ToList()) flat.Remove(k);
        return flat;
    }
}
