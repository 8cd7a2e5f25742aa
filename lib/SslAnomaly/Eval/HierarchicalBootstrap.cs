namespace SslAnomaly.Eval;

/// <summary>
/// Percentile intervals of a metric's mean over several runs of one cell (seeds), resampling at both levels that vary:
/// each replicate draws as many runs as there are, with replacement (the training run: initialisation, data order,
/// augmentations), then within each drawn run a stratified resample of its images (<see cref="StratifiedBootstrap"/>:
/// the evaluation set), and averages the metric over the drawn runs. With one run it is the stratified bootstrap of
/// that run; with several, it covers what a single run's interval cannot: that another seed trains another model.
/// </summary>
public static class HierarchicalBootstrap
{
    /// <summary>Observed mean over <paramref name="runs"/> and its interval, for every scalar metric
    /// (<see cref="DefectMetrics.ScalarNames"/>); a replicate whose drawn runs leave a metric undefined is left out of that metric.</summary>
    public static IReadOnlyDictionary<string, (double Mean, ConfidenceInterval Interval)> MeanIntervals(IReadOnlyList<EvaluationSet> runs, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        if (runs.Count == 0) throw new ArgumentException("at least one run is needed", nameof(runs));
        var names = DefectMetrics.ScalarNames;
        var strata = runs.Select(r => r.PositionsByClass()).ToArray();
        var means = new double[names.Count, options.Replicates];
        Parallel.For(0, options.Replicates, r =>
        {
            var random = new Random(options.ReplicateSeed(r));
            var sums = new double[names.Count];
            for (int draw = 0; draw < runs.Count; draw++)
            {
                int run = random.Next(runs.Count);
                var multiplicity = new int[runs[run].Count];
                StratifiedBootstrap.Resample(random, strata[run].Positives, strata[run].Negatives, multiplicity);
                var metrics = runs[run].EvaluateByPosition(multiplicity);
                for (int k = 0; k < names.Count; k++) sums[k] += metrics.Scalar(names[k]);
            }
            for (int k = 0; k < names.Count; k++) means[k, r] = sums[k] / runs.Count;
        });
        var observed = runs.Select(r => r.Evaluate()).ToList();
        return names.Select((name, k) => (name, k)).ToDictionary(x => x.name, x => (
            observed.Average(m => m.Scalar(x.name)),
            ConfidenceInterval.Percentile(Enumerable.Range(0, options.Replicates).Select(r => means[x.k, r]).Where(v => !double.IsNaN(v)), options.Level)));
    }
}
