using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>One point of the paper's Figure 7: a run's probe metric against its re-scaled final RankMe.</summary>
public sealed record Figure7Point(string Method, string Backbone, double TrainDefectPct, int Seed, double RankMe, double RescaledRankMe, double Value);

/// <summary>
/// Figure 7 plots "validation F1 against re-scaled RankMe ... re-scaled to enable easier comparisons with F1
/// scores" and says no more. Our reading: min-max scaling over all plotted runs to [0, 1], F1's range, one
/// scale for both backbones so that "ResNet has higher RankMe than ViT-Tiny" stays visible (a per-backbone
/// or divide-by-dimension scale would hide or distort it). Rank correlations are unchanged by any such
/// monotone re-scaling, so <see cref="RankMeCorrelation"/> works on raw values.
/// </summary>
public static class RankMeRescaling
{
    /// <summary>(v - min) / (max - min); all 0.5 when the values are all equal.</summary>
    public static double[] MinMax(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return [];
        double min = values.Min(), max = values.Max();
        return values.Select(v => max > min ? (v - min) / (max - min) : 0.5).ToArray();
    }

    /// <summary>Figure 7's points at one validation subset (the paper: the unmodified split, "natural").</summary>
    public static IReadOnlyList<Figure7Point> Figure7(IEnumerable<RunResult> runs, string validationKey = ImbalanceGrid.NaturalKey, Metric? metric = null)
    {
        metric ??= Metric.F1;
        var usable = runs.Where(r => r.Rankme is not null && r.Metrics.TryGetValue(validationKey, out var m) && m.Scalar(metric) is not null).ToList();
        var scaled = MinMax(usable.Select(r => r.Rankme!.Value).ToArray());
        return usable.Select((r, i) => new Figure7Point(r.Method, r.Backbone, r.TrainDefectPct, r.Seed,
            r.Rankme!.Value, scaled[i], r.Metrics[validationKey].Scalar(metric)!.Value)).ToList();
    }
}
