using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>Rank correlation between final RankMe and a probe metric across runs, at one validation subset.</summary>
public sealed record RankMeCorrelationRow(
    string ValidationKey,
    int Runs,
    double Spearman,
    ConfidenceInterval SpearmanInterval,
    double KendallTauB,
    ConfidenceInterval KendallInterval);

/// <summary>
/// The paper's Appendix D question, with numbers: does final RankMe predict the probe metric across runs?
/// Spearman and Kendall tau-b per validation subset with paired bootstrap intervals over runs (runs are
/// resampled with replacement; resamples with a constant variable are skipped).
/// </summary>
public static class RankMeCorrelation
{
    public static IReadOnlyList<RankMeCorrelationRow> Compute(IEnumerable<RunResult> runs, Metric? metric = null, BootstrapOptions? bootstrap = null)
    {
        metric ??= Metric.F1;
        var withRankMe = runs.Where(r => r.Rankme is not null).ToList();
        var keys = withRankMe.SelectMany(r => r.Metrics.Keys).Distinct()
            .OrderBy(ImbalanceGrid.DisplayRank).ThenBy(k => k, StringComparer.Ordinal);
        return keys.Select(key =>
        {
            var pairs = withRankMe
                .Where(r => r.Metrics.TryGetValue(key, out var m) && m.Scalar(metric) is not null)
                .Select(r => (RankMe: r.Rankme!.Value, Value: r.Metrics[key].Scalar(metric)!.Value)).ToList();
            var x = pairs.Select(p => p.RankMe).ToArray();
            var y = pairs.Select(p => p.Value).ToArray();
            return new RankMeCorrelationRow(key, pairs.Count,
                Correlation.Spearman(x, y), Correlation.BootstrapInterval(x, y, Correlation.Spearman, bootstrap).Interval,
                Correlation.KendallTauB(x, y), Correlation.BootstrapInterval(x, y, Correlation.KendallTauB, bootstrap).Interval);
        }).ToList();
    }
}
