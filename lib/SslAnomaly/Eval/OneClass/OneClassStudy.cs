namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// One detector fitted on one reference pool and judged on every validation subset. <see cref="Scores"/> are its scores
/// for every evaluated row, carrying its label-free threshold; <see cref="Grid"/> is the imbalance grid of those scores
/// (AUROC and AUPRC threshold-free, the F-scores at that threshold); <see cref="BestF1"/> is, per subset, the F1 at the
/// threshold that subset's own labels would pick: an upper bound no label-free threshold can beat, reported apart.
/// </summary>
public sealed record DetectorResult(
    IOneClassDetector Detector,
    ReferencePool Pool,
    ReferenceSplit Split,
    int ReferenceDefects,
    int CalibrationDefects,
    double Quantile,
    double Threshold,
    DefectScores Scores,
    GridResult Grid,
    IReadOnlyDictionary<string, ThresholdSelection.Choice> BestF1)
{
    public DetectorKind Kind => Detector.Kind;
    /// <summary>result.json's key, e.g. "knn_contaminated".</summary>
    public string Key => OneClassNames.Key(Kind, Pool);

    public OneClassReport ToReport() => new()
    {
        Detector = OneClassNames.Of(Kind),
        Pool = OneClassNames.Of(Pool),
        K = (Detector as KnnDetector)?.K,
        Shrinkage = (Detector as GaussianDetector)?.Shrinkage,
        Ridge = Detector is GaussianDetector { Ridge: > 0 } g ? g.Ridge : null,
        Quantile = Quantile,
        Threshold = Threshold,
        ReferenceSize = Split.Reference.Count,
        ReferenceDefects = ReferenceDefects,
        CalibrationSize = Split.Calibration.Count,
        CalibrationDefects = CalibrationDefects,
        Metrics = Grid.ToReports(),
        BestF1 = BestF1.ToDictionary(b => b.Key, b => new BestF1Report(b.Value.FScore, b.Value.Threshold)),
    };
}

/// <summary>One label-efficiency point: the probe trained on a budget, judged like the run's probe.</summary>
public sealed record LabelBudgetResult(LabelBudget Budget, LinearProbe Probe, GridResult Grid)
{
    public LabelBudgetReport ToReport() => new() { Defects = Budget.Defects, Normals = Budget.Normals, Metrics = Grid.ToReports() };
}

/// <summary>Everything the study without defect labels found for one run (docs/one-class.md).</summary>
public sealed record OneClassStudy(IReadOnlyList<DetectorResult> Detectors, IReadOnlyList<LabelBudgetResult> LabelEfficiency)
{
    public static readonly OneClassStudy Empty = new([], []);

    public DetectorResult this[DetectorKind detector, ReferencePool pool] =>
        Detectors.FirstOrDefault(d => d.Kind == detector && d.Pool == pool)
        ?? throw new KeyNotFoundException($"No {OneClassNames.Key(detector, pool)} detector in this study.");

    /// <summary>result.json's proposed <c>one_class</c> object: detector_pool -> report.</summary>
    public IReadOnlyDictionary<string, OneClassReport> OneClassReports() => Detectors.ToDictionary(d => d.Key, d => d.ToReport());

    /// <summary>result.json's proposed <c>label_efficiency</c> object: budget key ("10", ..., "all") -> report.</summary>
    public IReadOnlyDictionary<string, LabelBudgetReport> LabelEfficiencyReports() =>
        LabelEfficiency.ToDictionary(p => p.Budget.Key, p => p.ToReport());
}
