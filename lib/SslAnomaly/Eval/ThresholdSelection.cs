namespace SslAnomaly.Eval;

/// <summary>
/// A decision threshold chosen on labelled scores: the score t (decision: score &gt;= t, t among the scores) that maximises
/// F-beta, ties going to the larger t. With beta = 2 on the probe's own training set this is the recall-leaning
/// baseline of the unknown-defect-share study (<c>Analysis.PriorShiftStudy</c>): it needs no validation labels at test time.
/// </summary>
public static class ThresholdSelection
{
    public sealed record Choice(double Threshold, double FScore);

    public static Choice MaximiseFBeta(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, double beta = 2)
    {
        if (labels.Count != scores.Count) throw new ArgumentException($"{labels.Count} labels for {scores.Count} scores.");
        if (labels.Count == 0) throw new ArgumentException("no scores to choose a threshold from.");
        int positives = labels.Count(l => l);
        // Sweep the distinct scores from high to low: every row at or above t is predicted defect.
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double b2 = beta * beta, bestF = -1, bestT = double.NaN;
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length;)
        {
            double t = scores[order[k]];
            while (k < order.Length && scores[order[k]] == t)
            {
                if (labels[order[k]]) tp++; else fp++;
                k++;
            }
            int fn = positives - tp;
            double denominator = (1 + b2) * tp + b2 * fn + fp;
            double f = denominator == 0 ? 0 : (1 + b2) * tp / denominator;
            if (f > bestF) (bestF, bestT) = (f, t);  // strict: from high to low, the larger t keeps a tie
        }
        return new Choice(bestT, bestF);
    }
}
