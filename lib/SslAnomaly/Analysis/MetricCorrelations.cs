using SslAnomaly.Eval;
using SslAnomaly.Eval.LabelFree;

namespace SslAnomaly.Analysis;

/// <summary>Which runs a correlation pools: all of them, one backbone, one method family, or the runs that learned.</summary>
public sealed record RunGroup(string Kind, string Name)
{
    public static readonly RunGroup Pooled = new("pooled", "all runs");
    /// <summary>The runs better than their backbone's random-init floor: a correlation over runs that learned nothing is noise.</summary>
    public static readonly RunGroup Learned = new("learned", "beat the floor");
    public string Label => Kind switch { "pooled" => "pooled", "learned" => "runs that beat the floor", _ => $"{Kind} {Name}" };
    public bool Contains(AnalysisRun run) => Kind switch
    {
        "pooled" => true,
        "learned" => run.FloorVerdict == FloorVerdict.Better,
        "backbone" => run.Backbone == Name,
        "family" => run.Family == Name,
        _ => false,
    };
}

/// <summary>One metric's rank correlation with probe F1 over one group of runs, with paired bootstrap intervals.</summary>
public sealed record CorrelationRow(
    LabelFreeMetric Metric, FeatureSpace Space, string ValidationKey, RunGroup Group, int Runs,
    double Spearman, ConfidenceInterval SpearmanInterval, double KendallTauB, ConfidenceInterval KendallInterval)
{
    public string SpaceLabel => Metric.PerSpace ? Space.ToString().ToLowerInvariant() : "-";
}

/// <summary>
/// Does a label-free metric predict downstream F1? For every metric (at the last epoch, on backbone and projector), its
/// Spearman rho and Kendall tau-b against the finished probe's F1 at each target validation key, over all pretraining runs
/// and within each backbone and each method family. The paper pooled both backbones, which mixes the backbone effect into
/// the correlation (ResNet-18's RankMe is higher); the per-backbone rows take it out. Where the folder holds random-init
/// floors, a group of the runs that beat theirs shows whether a metric still ranks runs once those that learned nothing
/// are left out. Intervals: runs resampled with
/// replacement (<see cref="Correlation.BootstrapInterval"/>).
/// </summary>
public static class MetricCorrelations
{
    /// <summary>The natural split (what the field sees) and the 5 % validation subset (a strong imbalance): a metric that
    /// predicts F1 on one need not on the other.</summary>
    public static readonly IReadOnlyList<string> Targets = [ImbalanceGrid.NaturalKey, "5"];

    /// <summary>Fewer runs than this give no correlation (NaN): two points always agree perfectly.</summary>
    public const int MinimumRuns = 4;

    public static IReadOnlyList<RunGroup> Groups(IReadOnlyList<AnalysisRun> runs) =>
        [RunGroup.Pooled,
         .. runs.Any(r => r.Floor is not null) ? [RunGroup.Learned] : Array.Empty<RunGroup>(),
         .. runs.Select(r => r.Backbone).Distinct().Order(StringComparer.Ordinal).Select(b => new RunGroup("backbone", b)),
         .. runs.Select(r => r.Family).Distinct().Order(StringComparer.Ordinal).Select(f => new RunGroup("family", f))];

    public static IReadOnlyList<CorrelationRow> Compute(IReadOnlyList<AnalysisRun> runs, BootstrapOptions? bootstrap = null, IReadOnlyList<string>? targets = null)
    {
        var measured = runs.Where(r => r.Epochs.Count > 0).ToList();
        var rows = new List<CorrelationRow>();
        foreach (var metric in LabelFreeMetrics.All)
            foreach (var space in metric.PerSpace ? [FeatureSpace.Backbone, FeatureSpace.Projector] : new[] { FeatureSpace.Backbone })
                foreach (var key in targets ?? Targets)
                    foreach (var group in Groups(measured))
                    {
                        var pairs = measured.Where(group.Contains)
                            .Select(r => (X: r.Final(metric, space), Y: r.FinalF1(key)))
                            .Where(p => p.X is not null && p.Y is not null).Select(p => (X: p.X!.Value, Y: p.Y!.Value)).ToList();
                        if (pairs.Count == 0) continue;
                        var x = pairs.Select(p => p.X).ToArray();
                        var y = pairs.Select(p => p.Y).ToArray();
                        var none = new ConfidenceInterval(double.NaN, double.NaN, (bootstrap ?? BootstrapOptions.Default).Level);
                        bool enough = pairs.Count >= MinimumRuns;
                        rows.Add(new CorrelationRow(metric, space, key, group, pairs.Count,
                            enough ? Correlation.Spearman(x, y) : double.NaN,
                            enough ? Correlation.BootstrapInterval(x, y, Correlation.Spearman, bootstrap).Interval : none,
                            enough ? Correlation.KendallTauB(x, y) : double.NaN,
                            enough ? Correlation.BootstrapInterval(x, y, Correlation.KendallTauB, bootstrap).Interval : none));
                    }
        return rows;
    }
}
