namespace SslAnomaly.Eval;

/// <summary>
/// Percentile confidence intervals for every reported metric by a stratified bootstrap: each replicate
/// draws, with replacement, as many defects from the defects and as many normals from the normals as
/// the set holds, so the defect share (which the imbalance grid controls) stays fixed.
/// </summary>
public static class StratifiedBootstrap
{
    public static IReadOnlyDictionary<string, ConfidenceInterval> Intervals(EvaluationSet set, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        var replicates = Replicates(set, options);
        return DefectMetrics.ScalarNames.ToDictionary(
            name => name,
            name => ConfidenceInterval.Percentile(replicates.Select(m => m.Scalar(name)), options.Level));
    }

    /// <summary>The metrics of each bootstrap replicate, in replicate order (deterministic for a seed).</summary>
    public static DefectMetrics[] Replicates(EvaluationSet set, BootstrapOptions options)
    {
        options.Validate();
        var (positives, negatives) = set.PositionsByClass();
        var results = new DefectMetrics[options.Replicates];
        Parallel.For(0, options.Replicates,
            () => new int[set.Count],
            (b, _, multiplicity) =>
            {
                var random = new Random(options.ReplicateSeed(b));
                Resample(random, positives, negatives, multiplicity);
                results[b] = set.EvaluateByPosition(multiplicity);
                return multiplicity;
            },
            _ => { });
        return results;
    }

    /// <summary>Fills <paramref name="multiplicity"/> with how often each row is drawn in one stratified replicate
    /// (rows of either class are drawn from their own list, as many times as the list is long).</summary>
    public static void Resample(Random random, IReadOnlyList<int> positives, IReadOnlyList<int> negatives, int[] multiplicity)
    {
        Array.Clear(multiplicity);
        foreach (var stratum in new[] { positives, negatives })
            for (int draw = 0; draw < stratum.Count; draw++)
                multiplicity[stratum[random.Next(stratum.Count)]]++;
    }
}
