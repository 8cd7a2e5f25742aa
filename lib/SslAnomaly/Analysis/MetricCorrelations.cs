using SslAnomaly.Eval;
using SslAnomaly.Eval.LabelFree;

namespace SslAnomaly.Analysis;

/// <summary>
/// Which runs a correlation pools: all of them, one backbone, one method family, or the runs that learned. None is chosen
/// by the F1 it is correlated with: backbone and family are set before training, and "learned" follows each run's verdict
/// against its floor on the validation split (<see cref="AnalysisRun.Floor"/>), while the F1 is read on test where every
/// run has it. Where runs have no test split the verdict and the F1 are one split; the analysis then marks that group as
/// selected on the outcome (<see cref="LabelFreeAnalysisResult.LearnedGroupSelectedOnOutcome"/>) and keeps it out of its
/// verdict.
/// </summary>
public sealed record RunGroup(string Kind, string Name)
{
    public static readonly RunGroup Pooled = new("pooled", "all runs");
    /// <summary>The runs better than their backbone's random-init floor on validation: a correlation over runs that learned nothing is noise.</summary>
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

/// <summary>
/// One metric's rank correlation with probe F1 over one group of runs, with 95 % cell-bootstrap intervals
/// (<see cref="CellBootstrap"/>) and, for Spearman, the Bonferroni-widened interval over the family of every metric x
/// feature space correlated in the same group and split (<see cref="Family"/> intervals).
/// </summary>
public sealed record CorrelationRow(
    LabelFreeMetric Metric, FeatureSpace Space, string ValidationKey, RunGroup Group, int Runs, int Cells,
    double Spearman, ConfidenceInterval SpearmanInterval, double KendallTauB, ConfidenceInterval KendallInterval)
{
    public string SpaceLabel => Metric.PerSpace ? Space.ToString().ToLowerInvariant() : "-";

    /// <summary>How many correlations were tried beside this one in its group and split (metric x feature space with a value).</summary>
    public int Family { get; init; } = 1;

    /// <summary>Spearman's interval at the Bonferroni level 1 - 0.05/<see cref="Family"/>: excluding 0 here survives the number of metrics tried.</summary>
    public ConfidenceInterval SpearmanSimultaneous { get; init; } = new(double.NaN, double.NaN, double.NaN);

    public bool Defined => !double.IsNaN(Spearman);
    public bool Excludes0 => Defined && (SpearmanInterval.Low > 0 || SpearmanInterval.High < 0);
    public bool Excludes0Simultaneously => Defined && (SpearmanSimultaneous.Low > 0 || SpearmanSimultaneous.High < 0);
}

/// <summary>
/// Does a label-free metric predict downstream F1? For every metric (at the last epoch, on backbone and projector), its
/// Spearman rho and Kendall tau-b against the finished probe's F1 at each target validation key, over all pretraining runs
/// and within each backbone and each method family. The paper pooled both backbones, which mixes the backbone effect into
/// the correlation (ResNet-18's RankMe is higher); the per-backbone rows take it out. Where the folder holds random-init
/// floors, a group of the runs that beat theirs on validation shows whether a metric still ranks runs once those that
/// learned nothing are left out. Intervals: cells resampled, then runs within them (<see cref="CellBootstrap"/>), with the
/// same draws for every metric of a group, so that the ranking's stability (<see cref="RankingStability"/>) compares
/// metrics on the same resamples.
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

    /// <summary>Every metric and the feature spaces it is logged on.</summary>
    public static IEnumerable<(LabelFreeMetric Metric, FeatureSpace Space)> MetricSpaces() =>
        LabelFreeMetrics.All.SelectMany(m => (m.PerSpace ? [FeatureSpace.Backbone, FeatureSpace.Projector] : new[] { FeatureSpace.Backbone }).Select(s => (m, s)));

    /// <summary>One metric's (value, F1) at the last epoch for each run, null where either is missing.</summary>
    public static (double X, double Y)? Pair(AnalysisRun run, LabelFreeMetric metric, FeatureSpace space, string validationKey) =>
        run.Final(metric, space) is { } x && run.FinalF1(validationKey) is { } y ? (x, y) : null;

    /// <summary>A rank statistic over the drawn runs that have both values; NaN below <see cref="MinimumRuns"/>.</summary>
    public static double OnDraw(IReadOnlyList<(double X, double Y)?> pairs, int[] draw, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic)
    {
        var drawn = draw.Where(i => pairs[i] is not null).Select(i => pairs[i]!.Value).ToList();
        return drawn.Count < MinimumRuns ? double.NaN : statistic(drawn.Select(p => p.X).ToArray(), drawn.Select(p => p.Y).ToArray());
    }

    public static IReadOnlyList<CorrelationRow> Compute(IReadOnlyList<AnalysisRun> runs, BootstrapOptions? bootstrap = null, IReadOnlyList<string>? targets = null)
    {
        bootstrap ??= BootstrapOptions.Default;
        var measured = runs.Where(r => r.Epochs.Count > 0).ToList();
        var none = new ConfidenceInterval(double.NaN, double.NaN, bootstrap.Level);
        var rows = new List<CorrelationRow>();
        foreach (var key in targets ?? Targets)
            foreach (var group in Groups(measured))
            {
                var members = measured.Where(group.Contains).ToList();
                // One set of draws per group: every metric is judged on the same resampled cells.
                var draws = CellBootstrap.Draws(members.Select(r => r.Cell).ToList(), bootstrap);
                var groupRows = new List<(CorrelationRow Row, double[] Replicates)>();
                foreach (var (metric, space) in MetricSpaces())
                {
                    var pairs = members.Select(r => Pair(r, metric, space, key)).ToList();
                    var present = Enumerable.Range(0, members.Count).Where(i => pairs[i] is not null).ToList();
                    if (present.Count == 0) continue;
                    var x = present.Select(i => pairs[i]!.Value.X).ToArray();
                    var y = present.Select(i => pairs[i]!.Value.Y).ToArray();
                    int cells = present.Select(i => members[i].Cell).Distinct(StringComparer.Ordinal).Count();
                    if (present.Count < MinimumRuns)
                    {
                        groupRows.Add((new CorrelationRow(metric, space, key, group, present.Count, cells, double.NaN, none, double.NaN, none), []));
                        continue;
                    }
                    var spearman = draws.Select(d => OnDraw(pairs, d, Correlation.Spearman)).ToArray();
                    var kendall = draws.Select(d => OnDraw(pairs, d, Correlation.KendallTauB)).ToArray();
                    groupRows.Add((new CorrelationRow(metric, space, key, group, present.Count, cells,
                        Correlation.Spearman(x, y), ConfidenceInterval.Percentile(spearman, bootstrap.Level),
                        Correlation.KendallTauB(x, y), ConfidenceInterval.Percentile(kendall, bootstrap.Level)), spearman));
                }
                // The family: the correlations of this group and split that have a value.
                int family = Math.Max(1, groupRows.Count(g => g.Row.Defined));
                double simultaneous = Multiplicity.BonferroniLevel(bootstrap.Level, family);
                rows.AddRange(groupRows.Select(g => g.Row with
                {
                    Family = family,
                    SpearmanSimultaneous = g.Row.Defined ? ConfidenceInterval.Percentile(g.Replicates, simultaneous) : new(double.NaN, double.NaN, simultaneous),
                }));
            }
        // Metric-major order, as the tables read.
        var order = MetricSpaces().Select((ms, i) => (ms, i)).ToDictionary(x => x.ms, x => x.i);
        return rows.OrderBy(r => order[(r.Metric, r.Space)]).ToList();
    }
}
