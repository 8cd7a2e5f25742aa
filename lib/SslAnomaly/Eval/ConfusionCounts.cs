namespace SslAnomaly.Eval;

/// <summary>
/// Counts of one binary decision (possibly weighted by bootstrap multiplicities). Undefined ratios are 0,
/// which is both scikit-learn's zero_division=0 and the official Sewer-ML convention (a class with no
/// predicted positives gets precision denominator 1; NaN F-scores become 0).
/// </summary>
public readonly record struct ConfusionCounts(long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives)
{
    public long PredictedPositives => TruePositives + FalsePositives;
    public long ActualPositives => TruePositives + FalseNegatives;
    public long Total => TruePositives + FalsePositives + FalseNegatives + TrueNegatives;

    public double Precision => PredictedPositives == 0 ? 0 : (double)TruePositives / PredictedPositives;
    public double Recall => ActualPositives == 0 ? 0 : (double)TruePositives / ActualPositives;
    public double F1 => FScore(1);
    public double F2 => FScore(2);

    /// <summary>F_beta = (1 + b^2) P R / (b^2 P + R); 0 where P = R = 0.</summary>
    public double FScore(double beta) => FScore(Precision, Recall, beta);

    public static double FScore(double precision, double recall, double beta)
    {
        double b2 = beta * beta, denominator = b2 * precision + recall;
        return denominator == 0 ? 0 : (1 + b2) * precision * recall / denominator;
    }

    /// <summary>Counts of <paramref name="predicted"/> against <paramref name="actual"/>.</summary>
    public static ConfusionCounts Of(ReadOnlySpan<bool> actual, ReadOnlySpan<bool> predicted)
    {
        if (actual.Length != predicted.Length) throw new ArgumentException("actual and predicted differ in length.");
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (predicted[i]) { if (actual[i]) tp++; else fp++; }
            else if (actual[i]) fn++; else tn++;
        }
        return new(tp, fp, fn, tn);
    }
}
