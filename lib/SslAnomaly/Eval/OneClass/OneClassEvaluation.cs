namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// The study without defect labels for one run (docs/one-class.md): one-class detectors fitted on the probe set's frozen
/// features, each with a threshold from held-out pool scores, and the linear probe at small label budgets, all judged on
/// the same subsets with the same bootstrap as the run's probe. Everything is fitted once
/// (<see cref="Fit"/>) and then scored on each evaluated split (<see cref="FittedOneClass.Evaluate"/>): validation and
/// test see the same detectors, thresholds and budget probes.
/// </summary>
public static class OneClassEvaluation
{
    /// <summary>Fits once, scores one split: what a caller with one evaluated split needs.</summary>
    /// <param name="probeTrain">The probe's training features: the unlabelled pool the detectors learn from.</param>
    /// <param name="evaluated">The features every subset indexes.</param>
    /// <param name="seed">The run's seed: draws the held-out split and the label budgets.</param>
    /// <param name="fullProbe">The run's probe, when the caller has trained it, reused as the "all" budget.</param>
    public static OneClassStudy Evaluate(FeatureSet probeTrain, FeatureSet evaluated, IReadOnlyList<ValidationSubset> subsets,
        OneClassOptions options, int seed, BootstrapOptions? bootstrap = null, bool intervals = true,
        LinearProbeOptions? probeOptions = null, LinearProbe? fullProbe = null) =>
        Fit(probeTrain, options, seed, probeOptions, fullProbe).Evaluate(evaluated, subsets, bootstrap, intervals);

    /// <summary>The detectors of every pool, each with its label-free threshold, and the probes of every label budget,
    /// fitted on <paramref name="probeTrain"/> alone.</summary>
    public static FittedOneClass Fit(FeatureSet probeTrain, OneClassOptions options, int seed,
        LinearProbeOptions? probeOptions = null, LinearProbe? fullProbe = null)
    {
        options.Validate();
        if (!options.Enabled) return FittedOneClass.Disabled;
        var split = ReferenceSplit.Draw(probeTrain.Rows, options.CalibrationShare, seed);
        var detectors = new List<FittedDetector>();
        foreach (var pool in options.Pools)
        {
            var part = split.For(pool, probeTrain.Truth);
            if (part.Reference.Count == 0 || part.Calibration.Count == 0) continue;   // a pool without normals: nothing to learn
            var reference = probeTrain.Select(part.Reference);
            var calibration = probeTrain.Select(part.Calibration);
            foreach (var kind in options.Detectors)
            {
                var detector = OneClassDetector.Fit(kind, reference, options);
                double threshold = LabelFreeThreshold.FromHeldOut(detector.Score(calibration), options.Quantile);
                detectors.Add(new FittedDetector(detector, pool, part, reference.Truth.Positives, calibration.Truth.Positives, options.Quantile, threshold));
            }
        }
        var budgets = options.LabelBudgets.Count == 0 ? [] : LabelEfficiency.Train(probeTrain, options.LabelBudgets, seed, probeOptions, fullProbe);
        return new FittedOneClass(probeTrain.Dim, detectors, budgets);
    }

    /// <summary>A fitted detector judged on every subset: its grid at its label-free threshold and the best-threshold F1 per subset.</summary>
    public static DetectorResult EvaluateDetector(FittedDetector fitted, FeatureSet evaluated, IReadOnlyList<ValidationSubset> subsets,
        BootstrapOptions? bootstrap = null, bool intervals = true)
    {
        var scores = DefectScores.Thresholded(fitted.Detector.Score(evaluated), fitted.Threshold);
        var grid = ImbalanceGrid.Evaluate(scores, evaluated, subsets, bootstrap, intervals);
        // In the grid's display order; an empty subset has no best threshold.
        var bestF1 = grid.Subsets.Select(r => subsets.First(s => s.Key == r.Key)).Where(s => s.Indices.Count > 0).ToDictionary(s => s.Key, s =>
            ThresholdSelection.MaximiseFBeta(evaluated.Truth.Select(s.Indices).Defect, scores.Select(s.Indices).Defect, beta: 1));
        return new DetectorResult(fitted.Detector, fitted.Pool, fitted.Split, fitted.ReferenceDefects, fitted.CalibrationDefects, fitted.Quantile,
            fitted.Threshold, scores, grid, bestF1);
    }
}

/// <summary>A detector fitted on one reference pool, with the threshold its held-out calibration scores placed.</summary>
public sealed record FittedDetector(IOneClassDetector Detector, ReferencePool Pool, ReferenceSplit Split, int ReferenceDefects, int CalibrationDefects,
    double Quantile, double Threshold);

/// <summary>The study without defect labels, fitted on a run's pool and ready to score any evaluated split.</summary>
public sealed class FittedOneClass(int dim, IReadOnlyList<FittedDetector> detectors, IReadOnlyList<BudgetProbe> budgets)
{
    /// <summary>The study switched off: every split gets <see cref="OneClassStudy.Empty"/>.</summary>
    public static readonly FittedOneClass Disabled = new(0, [], []);

    public IReadOnlyList<FittedDetector> Detectors { get; } = detectors;
    public IReadOnlyList<BudgetProbe> Budgets { get; } = budgets;

    /// <summary>Every detector and budget probe judged on <paramref name="subsets"/> of <paramref name="evaluated"/>.</summary>
    public OneClassStudy Evaluate(FeatureSet evaluated, IReadOnlyList<ValidationSubset> subsets, BootstrapOptions? bootstrap = null, bool intervals = true)
    {
        if (ReferenceEquals(this, Disabled)) return OneClassStudy.Empty;
        if (dim != evaluated.Dim)
            throw new ArgumentException($"Pool features are {dim}-dim, evaluated features {evaluated.Dim}-dim.", nameof(evaluated));
        var results = Detectors.Select(d => OneClassEvaluation.EvaluateDetector(d, evaluated, subsets, bootstrap, intervals)).ToList();
        var labelEfficiency = Budgets
            .Select(p => new LabelBudgetResult(p.Budget, p.Probe, ImbalanceGrid.Evaluate(p.Probe, evaluated, subsets, bootstrap, intervals)))
            .ToList();
        return new OneClassStudy(results, labelEfficiency);
    }
}
