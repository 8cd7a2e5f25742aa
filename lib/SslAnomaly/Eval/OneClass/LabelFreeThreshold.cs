namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// A decision threshold that needs no defect label: the <c>quantile</c> of held-out pool scores (numpy's linear
/// interpolation, <see cref="ConfidenceInterval.Quantile"/>). On a clean pool about 1 - quantile of the normals score at or
/// above it, which is the false-alarm budget an inspector sets before anyone has labelled a defect; on a contaminated
/// pool the hidden defects sit among the held-out scores too and push it up a little. Decision: score &gt;= threshold.
/// </summary>
public static class LabelFreeThreshold
{
    public static double FromHeldOut(IReadOnlyList<double> heldOutScores, double quantile)
    {
        if (heldOutScores.Count == 0) throw new ArgumentException("A threshold needs at least one held-out score.", nameof(heldOutScores));
        if (!(quantile > 0 && quantile < 1)) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must lie in (0, 1).");
        if (heldOutScores.Any(s => !double.IsFinite(s))) throw new ArgumentException("Held-out scores must be finite.", nameof(heldOutScores));
        return ConfidenceInterval.Quantile(heldOutScores.Order().ToArray(), quantile);
    }
}
