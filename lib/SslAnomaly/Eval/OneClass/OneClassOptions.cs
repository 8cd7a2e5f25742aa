namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// Settings of the study without defect labels (docs/one-class.md): one-class detectors on the frozen features, and the
/// linear probe at small label budgets. The defaults cost a few seconds per run beside the probe's grid.
/// </summary>
/// <param name="Enabled">Off skips the whole study.</param>
/// <param name="Detectors">Which detectors to fit.</param>
/// <param name="Pools">Which reference pools each detector learns from.</param>
/// <param name="K">Neighbours of the kNN detector. Its score is the mean cosine distance to them: DN2 takes k = 2; 5 also
/// dilutes the pull of a few look-alike defects hidden in a contaminated pool.</param>
/// <param name="Quantile">The label-free threshold: this quantile of held-out pool scores, so about 1 - Quantile of the
/// normals are flagged (a false-alarm budget an inspector can set without having seen a defect).</param>
/// <param name="CalibrationShare">Share of the pool held out from the reference to calibrate the threshold: those images
/// are scored exactly as validation images are (against a reference that does not hold them).</param>
/// <param name="LabelBudgets">Defect counts the label-efficiency probes train on; normals in the probe set's proportion.
/// The whole probe set is always added as "all"; a budget at or above the probe set's defects is left out. Empty: no
/// label-efficiency study.</param>
public sealed record OneClassOptions(
    bool Enabled = true,
    IReadOnlyList<DetectorKind>? Detectors = null,
    IReadOnlyList<ReferencePool>? Pools = null,
    int K = 5,
    double Quantile = 0.95,
    double CalibrationShare = 0.2,
    IReadOnlyList<int>? LabelBudgets = null)
{
    public static readonly OneClassOptions Default = new();

    public IReadOnlyList<DetectorKind> Detectors { get; init; } = Detectors ?? [DetectorKind.Knn, DetectorKind.Mahalanobis];
    public IReadOnlyList<ReferencePool> Pools { get; init; } = Pools ?? [ReferencePool.Clean, ReferencePool.Contaminated];
    public IReadOnlyList<int> LabelBudgets { get; init; } = LabelBudgets ?? [10, 30, 100, 300];

    public void Validate()
    {
        if (K < 1) throw new ArgumentOutOfRangeException(nameof(K), K, "The kNN detector needs at least one neighbour.");
        if (!(Quantile > 0 && Quantile < 1)) throw new ArgumentOutOfRangeException(nameof(Quantile), Quantile, "The threshold quantile must lie in (0, 1).");
        if (!(CalibrationShare > 0 && CalibrationShare < 1))
            throw new ArgumentOutOfRangeException(nameof(CalibrationShare), CalibrationShare, "The held-out share must lie in (0, 1).");
        if (Detectors.Distinct().Count() != Detectors.Count) throw new ArgumentException("A detector is listed twice.", nameof(Detectors));
        if (Pools.Distinct().Count() != Pools.Count) throw new ArgumentException("A reference pool is listed twice.", nameof(Pools));
        if (LabelBudgets.Any(b => b < 1)) throw new ArgumentOutOfRangeException(nameof(LabelBudgets), "A label budget needs at least one defect.");
        if (LabelBudgets.Distinct().Count() != LabelBudgets.Count) throw new ArgumentException("A label budget is listed twice.", nameof(LabelBudgets));
    }
}
