namespace SslAnomaly.Eval;

/// <summary>
/// Threshold-free metrics of a score against a binary label, as scikit-learn defines them:
/// AUROC (roc_auc_score: trapezoids over the ROC curve, tied scores form one step) and AUPRC
/// (average_precision_score: sum over distinct thresholds of (R_n - R_{n-1}) P_n, no interpolation).
/// Optional integer weights (bootstrap multiplicities) count a row that many times. NaN where the metric
/// is undefined: AUROC without both classes, AUPRC without positives (scikit-learn returns 0 there, with a warning).
/// </summary>
public static class RankingMetrics
{
    /// <summary>Row indices by descending score (order within ties is irrelevant: ties are grouped).
    /// Compute once and reuse across bootstrap replicates.</summary>
    public static int[] DescendingOrder(ReadOnlySpan<double> scores)
    {
        var keys = new double[scores.Length];
        var order = new int[scores.Length];
        for (int i = 0; i < scores.Length; i++) { keys[i] = -scores[i]; order[i] = i; }
        Array.Sort(keys, order);
        return order;
    }

    public static double Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels) =>
        Auroc(scores, labels, DescendingOrder(scores), default);

    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels) =>
        AveragePrecision(scores, labels, DescendingOrder(scores), default);

    public static double Auroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, ReadOnlySpan<int> order, ReadOnlySpan<int> weights)
    {
        double area = 0, tp = 0, fp = 0;
        foreach (var (groupTp, groupFp) in TieGroups(scores, labels, order, weights))
        {
            // A tied group is one diagonal step of the ROC curve: add its trapezoid.
            area += groupFp * (tp + groupTp / 2);
            tp += groupTp;
            fp += groupFp;
        }
        return tp == 0 || fp == 0 ? double.NaN : area / (tp * fp);
    }

    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, ReadOnlySpan<int> order, ReadOnlySpan<int> weights)
    {
        var groups = TieGroups(scores, labels, order, weights);
        double positives = groups.Sum(g => g.Tp);
        if (positives == 0) return double.NaN;
        double ap = 0, tp = 0, fp = 0;
        foreach (var (groupTp, groupFp) in groups)
        {
            tp += groupTp;
            fp += groupFp;
            ap += groupTp / positives * (tp / (tp + fp));
        }
        return ap;
    }

    /// <summary>(positives, negatives) of each run of equal scores, from the highest score down.</summary>
    static List<(double Tp, double Fp)> TieGroups(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, ReadOnlySpan<int> order, ReadOnlySpan<int> weights)
    {
        if (scores.Length != labels.Length || order.Length != scores.Length)
            throw new ArgumentException("scores, labels and order must have the same length.");
        if (!weights.IsEmpty && weights.Length != scores.Length)
            throw new ArgumentException("weights must be empty or one per row.");
        var groups = new List<(double, double)>();
        int start = 0;
        while (start < order.Length)
        {
            double tp = 0, fp = 0, value = scores[order[start]];
            int end = start;
            for (; end < order.Length && scores[order[end]] == value; end++)
            {
                int row = order[end], w = weights.IsEmpty ? 1 : weights[row];
                if (labels[row]) tp += w; else fp += w;
            }
            if (tp + fp > 0) groups.Add((tp, fp));
            start = end;
        }
        return groups;
    }
}
