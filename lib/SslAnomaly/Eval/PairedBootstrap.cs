namespace SslAnomaly.Eval;

/// <summary>A method against a floor on the same images: observed values, their difference and the one-sided p.</summary>
public sealed record PairedComparison(string Metric, double Method, double Floor, double Difference, ConfidenceInterval DifferenceInterval, double PValue, int Replicates)
{
    public const double Alpha = 0.05;

    /// <summary>True when the method beats the floor at <see cref="Alpha"/> (one-sided).</summary>
    public bool BeatsFloor => PValue < Alpha;
}

/// <summary>
/// Paired stratified bootstrap of "method beats floor" on one evaluation set: each replicate resamples the
/// image indices once (defects from the defects, normals from the normals, so the share stays fixed) and
/// scores both models on that same draw. p is the share of replicates whose difference
/// (method - floor) is &lt;= 0, a one-sided test of "method is better". Identical models give p = 1.
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
        var a = new EvaluationSet(truth, method);
        var b = new EvaluationSet(truth, floor);
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
            double p = defined.Length == 0 ? double.NaN : (double)defined.Count(d => d <= 0) / defined.Length;
            double va = observedA.Scalar(name), vb = observedB.Scalar(name);
            return new PairedComparison(name, va, vb, va - vb, ConfidenceInterval.Percentile(defined, options.Level), p, defined.Length);
        }).ToDictionary(c => c.Metric);
    }
}
