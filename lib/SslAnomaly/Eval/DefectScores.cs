namespace SslAnomaly.Eval;

/// <summary>
/// A model's scores for an evaluation set and the threshold that turns them into decisions: either one defect
/// probability per image (a binary classifier such as the linear probe), one probability per Sewer-ML code (a
/// multi-label model), both decided at the official p &gt;= 0.5, or one anomaly score per image on any scale with the
/// threshold its detector chose (a one-class detector, Eval/OneClass).
/// </summary>
public sealed class DefectScores
{
    DefectScores(double[] defect, double[,]? perCode, double threshold = EvaluationSet.OfficialThreshold)
    {
        Defect = defect;
        PerCode = perCode;
        Threshold = threshold;
    }

    /// <summary>A binary classifier: each code counts as predicted exactly when "defect" is (docs/data-flow.md, Metrics).</summary>
    public static DefectScores Binary(IReadOnlyList<double> defectProbability)
    {
        foreach (var p in defectProbability)
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"Probabilities must lie in [0, 1]; got {p}.");
        return new(defectProbability.ToArray(), null);
    }

    /// <summary>A binary detector whose scores are not probabilities (a distance, a Mahalanobis score): "defect" is
    /// predicted where score &gt;= <paramref name="threshold"/>, the threshold the detector chose for itself. The ranking
    /// metrics (AUROC, AUPRC) see the scores as they are; only their order matters to them.</summary>
    public static DefectScores Thresholded(IReadOnlyList<double> scores, double threshold)
    {
        if (!double.IsFinite(threshold)) throw new ArgumentException($"The decision threshold must be finite; got {threshold}.", nameof(threshold));
        foreach (var s in scores)
            if (!double.IsFinite(s)) throw new ArgumentException($"Scores must be finite; got {s}.", nameof(scores));
        return new(scores.ToArray(), null, threshold);
    }

    /// <summary>A multi-label model, [rows, 17]. Its defect score is the largest code probability, so "defect"
    /// is predicted exactly when some code is, which is the official definition of "not normal".</summary>
    public static DefectScores MultiLabel(double[,] perCode)
    {
        if (perCode.GetLength(1) != Data.SewerMlCodes.Codes.Count)
            throw new ArgumentException($"Expected {Data.SewerMlCodes.Codes.Count} code columns, got {perCode.GetLength(1)}.", nameof(perCode));
        var defect = new double[perCode.GetLength(0)];
        for (int i = 0; i < defect.Length; i++)
        {
            double max = 0;
            for (int k = 0; k < perCode.GetLength(1); k++)
            {
                double p = perCode[i, k];
                if (!(p >= 0 && p <= 1)) throw new ArgumentException($"Probabilities must lie in [0, 1]; row {i}, code {k} is {p}.", nameof(perCode));
                max = Math.Max(max, p);
            }
            defect[i] = max;
        }
        return new(defect, perCode);
    }

    public double[] Defect { get; }
    public double[,]? PerCode { get; }
    /// <summary>Where a score (a code probability for a multi-label model) becomes a positive decision: score &gt;= Threshold.
    /// 0.5 for probabilities, the detector's own threshold for <see cref="Thresholded"/> scores.</summary>
    public double Threshold { get; }
    public bool IsMultiLabel => PerCode is not null;
    public int Count => Defect.Length;

    public DefectScores Select(IReadOnlyList<int> rows)
    {
        if (PerCode is null) return new(rows.Select(i => Defect[i]).ToArray(), null, Threshold);
        var perCode = new double[rows.Count, PerCode.GetLength(1)];
        for (int r = 0; r < rows.Count; r++)
            for (int k = 0; k < PerCode.GetLength(1); k++) perCode[r, k] = PerCode[rows[r], k];
        return MultiLabel(perCode);
    }
}
