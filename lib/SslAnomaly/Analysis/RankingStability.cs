using SslAnomaly.Eval;
using SslAnomaly.Eval.LabelFree;

namespace SslAnomaly.Analysis;

/// <summary>Where one metric lands in the ranking by |Spearman rho| over the cell-bootstrap resamples.</summary>
/// <param name="Rank">Its rank on the runs as observed (1 = largest |rho|; tied metrics share the mean of their ranks, as in every resample).</param>
/// <param name="RankInterval">The 95 % percentile interval of its rank over the resamples.</param>
/// <param name="ShareFirst">The share of resamples in which it ranks first (ties share the credit).</param>
public sealed record RankPlace(LabelFreeMetric Metric, FeatureSpace Space, double Rank, ConfidenceInterval RankInterval, double ShareFirst)
{
    public string Display => ModelSelection.SelectorName(Metric, Space);
}

/// <summary>
/// How firm the pooled ranking of metrics is at one validation key: each metric's rank interval and share of resamples
/// in which it ranks first, and the first against the runner-up, |rho_1| - |rho_2| with its two-sided 95 % interval, all
/// on the same cell-bootstrap draws (<see cref="CellBootstrap"/>). <see cref="Tried"/> metrics were ranked: the first of
/// many is first partly by luck, which the share and the difference's interval show.
/// </summary>
public sealed record RankingStability(string ValidationKey, int Tried, int Cells, IReadOnlyList<RankPlace> Places,
    double FirstMinusRunnerUp, ConfidenceInterval FirstMinusRunnerUpInterval)
{
    public RankPlace? First => Places.FirstOrDefault();
    public RankPlace? RunnerUp => Places.Skip(1).FirstOrDefault();
    /// <summary>The interval of |rho_1| - |rho_2| contains 0: these runs do not tell the first metric from the runner-up.</summary>
    public bool FirstTellsFromRunnerUp => FirstMinusRunnerUpInterval.Low > 0;

    /// <summary>
    /// The ranking of the pooled group's correlations at <paramref name="validationKey"/> (metrics with a value), redrawn
    /// with the draws <see cref="MetricCorrelations.Compute"/> used for that group; null when fewer than two metrics have a value.
    /// </summary>
    public static RankingStability? Compute(IReadOnlyList<AnalysisRun> runs, string validationKey, BootstrapOptions? bootstrap = null)
    {
        bootstrap ??= BootstrapOptions.Default;
        var members = runs.Where(r => r.Epochs.Count > 0).ToList();
        var metrics = MetricCorrelations.MetricSpaces()
            .Select(ms => (ms.Metric, ms.Space, Pairs: members.Select(r => MetricCorrelations.Pair(r, ms.Metric, ms.Space, validationKey)).ToList()))
            .Where(m => m.Pairs.Count(p => p is not null) >= MetricCorrelations.MinimumRuns)
            .Select(m => (m.Metric, m.Space, m.Pairs, Observed: Math.Abs(MetricCorrelations.OnDraw(m.Pairs, Enumerable.Range(0, members.Count).ToArray(), Correlation.Spearman))))
            .Where(m => !double.IsNaN(m.Observed))
            .OrderByDescending(m => m.Observed).ToList();
        if (metrics.Count < 2) return null;
        var draws = CellBootstrap.Draws(members.Select(r => r.Cell).ToList(), bootstrap);
        // |rho| of every metric on every draw; an undefined one ranks last.
        var absRho = metrics.Select(m => draws.Select(d => Math.Abs(MetricCorrelations.OnDraw(m.Pairs, d, Correlation.Spearman))).ToArray()).ToArray();
        var ranks = new double[metrics.Count][];
        var first = new double[metrics.Count];
        for (int m = 0; m < metrics.Count; m++) ranks[m] = new double[draws.Count];
        for (int b = 0; b < draws.Count; b++)
        {
            var values = Enumerable.Range(0, metrics.Count).Select(m => double.IsNaN(absRho[m][b]) ? double.NegativeInfinity : absRho[m][b]).ToArray();
            // Ties share the mean rank and the credit for first place.
            var rank = Ranks(values);
            double top = values.Max();
            int tiedAtTop = values.Count(v => v == top);
            for (int m = 0; m < metrics.Count; m++)
            {
                ranks[m][b] = rank[m];
                if (values[m] == top) first[m] += 1.0 / tiedAtTop;
            }
        }
        var observedRanks = Ranks(metrics.Select(m => m.Observed).ToArray());
        var places = metrics.Select((m, i) => new RankPlace(m.Metric, m.Space, observedRanks[i], ConfidenceInterval.Percentile(ranks[i], bootstrap.Level), first[i] / draws.Count)).ToList();
        var difference = Enumerable.Range(0, draws.Count).Select(b => absRho[0][b] - absRho[1][b]).ToArray();
        return new RankingStability(validationKey, metrics.Count, CellBootstrap.CellCount(members.Select(r => r.Cell).ToList()), places,
            metrics[0].Observed - metrics[1].Observed, ConfidenceInterval.Percentile(difference, bootstrap.Level));
    }

    /// <summary>Rank 1 = largest value; tied values share the mean of their ranks.</summary>
    static double[] Ranks(IReadOnlyList<double> values)
    {
        var ascending = Correlation.AverageRanks(values);
        return ascending.Select(r => values.Count + 1 - r).ToArray();
    }
}
