namespace SslAnomaly.Eval;

/// <summary>
/// A method against a floor on the same images: observed values, their difference with its percentile interval, and
/// the two-sided p of "no difference" at the interval's level.
/// </summary>
/// <param name="Favours">The side the replicates lean to: <see cref="FloorVerdict.Better"/> when fewer of them lie at or
/// below 0 than at or above it, <see cref="FloorVerdict.Worse"/> the other way round, <see cref="FloorVerdict.CannotTell"/>
/// when they balance (identical models).</param>
public sealed record PairedComparison(string Metric, double Method, double Floor, double Difference, ConfidenceInterval DifferenceInterval,
    double PValue, FloorVerdict Favours, int Replicates)
{
    /// <summary>The test's level, that of the interval shown beside it (0.05 for a 95 % interval): p &lt; alpha exactly
    /// when 0 lies outside the percentile interval, up to the interpolation between replicates.</summary>
    public double Alpha => 1 - DifferenceInterval.Level;

    /// <summary>The verdict for a significance of this test: its own p, or its q within a family of tests
    /// (<see cref="BenjaminiHochberg"/>). An undefined (NaN) significance cannot tell.</summary>
    public FloorVerdict Judge(double significance) => significance < Alpha ? Favours : FloorVerdict.CannotTell;

    /// <summary>The verdict of this test alone (unadjusted p); reports judge a family by its q-values instead.</summary>
    public FloorVerdict Verdict => Judge(PValue);

    /// <summary>The training runs behind it: 1 for the image-level bootstrap, more for the test over seeds
    /// (<see cref="SeedStatistics.CompareWithFloor"/>, whose <see cref="Replicates"/> drew the images' share of its error).</summary>
    public int Seeds { get; init; } = 1;
}

/// <summary>
/// Paired stratified bootstrap of "method beats floor" on one evaluation set: each replicate resamples the
/// image indices once (defects from the defects, normals from the normals, so the share stays fixed) and
/// scores both models on that same draw. The test is two-sided, at the level of the percentile interval of the
/// difference: p = min(1, 2 min(share of replicates with difference &lt;= 0, share with difference &gt;= 0)), the
/// percentile-bootstrap p-value (up to interpolation, the smallest alpha at which the 1 - alpha percentile interval excludes 0). Ties at 0
/// count on both sides, so identical models give p = 1, and a method clearly below its floor is told apart from it
/// as surely as one clearly above.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>Every scalar metric (<see cref="DefectMetrics.ScalarNames"/>) compared on the same replicates: one
    /// evaluation of each model per replicate serves all metrics.</summary>
    public static IReadOnlyDictionary<string, PairedComparison> Compare(GroundTruth truth, DefectScores method, DefectScores floor, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        if (method.Count != truth.Count || floor.Count != truth.Count)
            throw new ArgumentException($"{truth.Count} labelled rows but {method.Count} method and {floor.Count} floor scores.");
        return Compare(new EvaluationSet(truth, method), new EvaluationSet(truth, floor), options);
    }

    /// <summary>The same on two evaluation sets of the same labelled rows (<see cref="EvaluationSet.Truth"/>).</summary>
    public static IReadOnlyDictionary<string, PairedComparison> Compare(EvaluationSet a, EvaluationSet b, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        RequireSameRows(a, b);
        var truth = a.Truth;
        DefectMetrics observedA = a.Evaluate(), observedB = b.Evaluate();
        var positives = Enumerable.Range(0, truth.Count).Where(i => truth.Defect[i]).ToArray();
        var negatives = Enumerable.Range(0, truth.Count).Where(i => !truth.Defect[i]).ToArray();

        var names = DefectMetrics.ScalarNames;
        var differences = new double[names.Count, options.Replicates];
        Parallel.For(0, options.Replicates,
            () => new int[truth.Count],
            (r, _, multiplicity) =>
            {
                StratifiedBootstrap.Resample(new Random(options.ReplicateSeed(r)), positives, negatives, multiplicity);
                DefectMetrics ma = a.Evaluate(multiplicity), mb = b.Evaluate(multiplicity);
                for (int k = 0; k < names.Count; k++) differences[k, r] = ma.Scalar(names[k]) - mb.Scalar(names[k]);
                return multiplicity;
            },
            _ => { });
        return names.Select((name, k) =>
        {
            var defined = Enumerable.Range(0, options.Replicates).Select(r => differences[k, r]).Where(d => !double.IsNaN(d)).ToArray();
            var (p, favours) = TwoSided(defined);
            double va = observedA.Scalar(name), vb = observedB.Scalar(name);
            return new PairedComparison(name, va, vb, va - vb, ConfidenceInterval.Percentile(defined, options.Level), p, favours, defined.Length);
        }).ToDictionary(c => c.Metric);
    }

    /// <summary>A paired comparison needs both models scored on the same labelled rows, in the same order.</summary>
    internal static void RequireSameRows(EvaluationSet a, EvaluationSet b)
    {
        if (a.Count != b.Count || !a.Truth.Defect.AsSpan().SequenceEqual(b.Truth.Defect))
            throw new ArgumentException($"a paired comparison needs the same labelled rows on both sides ({a.Count} and {b.Count} rows).");
    }

    /// <summary>The two-sided percentile-bootstrap p of "no difference" and the side the replicates lean to; NaN and
    /// <see cref="FloorVerdict.CannotTell"/> without replicates.</summary>
    public static (double P, FloorVerdict Favours) TwoSided(IReadOnlyCollection<double> differences)
    {
        if (differences.Count == 0) return (double.NaN, FloorVerdict.CannotTell);
        double atOrBelow = (double)differences.Count(d => d <= 0) / differences.Count;
        double atOrAbove = (double)differences.Count(d => d >= 0) / differences.Count;
        var favours = atOrBelow < atOrAbove ? FloorVerdict.Better : atOrAbove < atOrBelow ? FloorVerdict.Worse : FloorVerdict.CannotTell;
        return (Math.Min(1, 2 * Math.Min(atOrBelow, atOrAbove)), favours);
    }
}
