namespace SslAnomaly.Eval;

/// <summary>
/// Threshold-free metrics of a score against a binary label, as scikit-learn defines them:
/// AUROC (roc_auc_score: trapezoids over the ROC curve, tied scores form one step) and AUPRC
/// (average_precision_score: sum over distinct thresholds of (R_n - R_{n-1}) P_n, no interpolation).
/// NaN where undefined: AUROC without both classes, AUPRC without positives (scikit-learn returns 0 there,
/// with a warning).
/// </summary>
public static class RankingMetrics
{
    public static double Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels) => Sorted(scores, labels).Auroc;

    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels) => Sorted(scores, labels).AveragePrecision;

    /// <summary>Both metrics in one sequential pass over rows already sorted by descending score; row i counts
    /// <paramref name="weights"/>[i] times (empty: once). Bootstrap replicates call this with multiplicities.</summary>
    public static (double Auroc, double AveragePrecision) OfDescending(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, ReadOnlySpan<int> weights)
    {
        if (scores.Length != labels.Length || (!weights.IsEmpty && weights.Length != scores.Length))
            throw new ArgumentException("scores, labels and weights (when given) must have the same length.");
        double area = 0, precisionSum = 0, tp = 0, fp = 0;
        for (int start = 0; start < scores.Length;)
        {
            // One group of tied scores = one threshold = one (diagonal) step of both curves.
            double groupTp = 0, groupFp = 0;
            int end = start;
            for (; end < scores.Length && scores[end] == scores[start]; end++)
            {
                int w = weights.IsEmpty ? 1 : weights[end];
                if (labels[end]) groupTp += w; else groupFp += w;
            }
            area += groupFp * (tp + groupTp / 2);
            tp += groupTp;
            fp += groupFp;
            if (groupTp > 0) precisionSum += groupTp * (tp / (tp + fp));
            start = end;
        }
        return (tp == 0 || fp == 0 ? double.NaN : area / (tp * fp), tp == 0 ? double.NaN : precisionSum / tp);
    }

    /// <summary>Row indices by descending score (order within ties is irrelevant: ties are grouped).</summary>
    public static int[] DescendingOrder(ReadOnlySpan<double> scores)
    {
        var keys = new double[scores.Length];
        var order = new int[scores.Length];
        for (int i = 0; i < scores.Length; i++) { keys[i] = -scores[i]; order[i] = i; }
        Array.Sort(keys, order);
        return order;
    }

    static (double Auroc, double AveragePrecision) Sorted(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException("scores and labels must have the same length.");
        var order = DescendingOrder(scores);
        var s = new double[order.Length];
        var l = new bool[order.Length];
        for (int j = 0; j < order.Length; j++) { s[j] = scores[order[j]]; l[j] = labels[order[j]]; }
        return OfDescending(s, l, default);
    }
}
