namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// The study without defect labels for one run (docs/one-class.md): one-class detectors fitted on the probe set's frozen
/// features, each with a threshold from held-out pool scores, and the linear probe at small label budgets, all judged on
/// the same validation subsets with the same bootstrap as the run's probe.
/// </summary>
public static class OneClassEvaluation
{
    /// <param name="probeTrain">The probe's training features: the unlabelled pool the detectors learn from.</param>
    /// <param name="evaluated">The features every subset indexes (the validation union).</param>
    /// <param name="seed">The run's seed: draws the held-out split and the label budgets.</param>
    /// <param name="fullProbe">The run's probe, when the caller has trained it, reused as the "all" budget.</param>
    public static OneClassStudy Evaluate(FeatureSet probeTrain, FeatureSet evaluated, IReadOnlyList<ValidationSubset> subsets,
        OneClassOptions options, int seed, BootstrapOptions? bootstrap = null, bool intervals = true,
        LinearProbeOptions? probeOptions = null, LinearProbe? fullProbe = null)
    {
        options.Validate();
        if (!options.Enabled) return OneClassStudy.Empty;
        if (probeTrain.Dim != evaluated.Dim)
            throw new ArgumentException($"Pool features are {probeTrain.Dim}-dim, evaluated features {evaluated.Dim}-dim.", nameof(evaluated));

        var split = ReferenceSplit.Draw(probeTrain.Rows, options.CalibrationShare, seed);
        var detectors = new List<DetectorResult>();
        foreach (var pool in options.Pools)
        {
            var part = split.For(pool, probeTrain.Truth);
            if (part.Reference.Count == 0 || part.Calibration.Count == 0) continue;   // a pool without normals: nothing to learn
            var reference = probeTrain.Select(part.Reference);
            var calibration = probeTrain.Select(part.Calibration);
            foreach (var kind in options.Detectors)
                detectors.Add(EvaluateDetector(OneClassDetector.Fit(kind, reference, options), pool, part, reference, calibration,
                    evaluated, subsets, options.Quantile, bootstrap, intervals));
        }

        var labelEfficiency = options.LabelBudgets.Count == 0 ? []
            : LabelEfficiency.Train(probeTrain, options.LabelBudgets, seed, probeOptions, fullProbe)
                .Select(p => new LabelBudgetResult(p.Budget, p.Probe, ImbalanceGrid.Evaluate(p.Probe, evaluated, subsets, bootstrap, intervals)))
                .ToList();
        return new OneClassStudy(detectors, labelEfficiency);
    }

    /// <summary>A fitted detector judged on every subset: its threshold from the held-out <paramref name="calibration"/>
    /// scores, its grid at that threshold, and the best-threshold F1 per subset.</summary>
    public static DetectorResult EvaluateDetector(IOneClassDetector detector, ReferencePool pool, ReferenceSplit split,
        FeatureSet reference, FeatureSet calibration, FeatureSet evaluated, IReadOnlyList<ValidationSubset> subsets,
        double quantile, BootstrapOptions? bootstrap = null, bool intervals = true)
    {
        double threshold = LabelFreeThreshold.FromHeldOut(detector.Score(calibration), quantile);
        var scores = DefectScores.Thresholded(detector.Score(evaluated), threshold);
        var grid = ImbalanceGrid.Evaluate(scores, evaluated, subsets, bootstrap, intervals);
        // In the grid's display order; an empty subset has no best threshold.
        var bestF1 = grid.Subsets.Select(r => subsets.First(s => s.Key == r.Key)).Where(s => s.Indices.Count > 0).ToDictionary(s => s.Key, s =>
            ThresholdSelection.MaximiseFBeta(evaluated.Truth.Select(s.Indices).Defect, scores.Select(s.Indices).Defect, beta: 1));
        return new DetectorResult(detector, pool, split, reference.Truth.Positives, calibration.Truth.Positives, quantile, threshold,
            scores, grid, bestF1);
    }
}
