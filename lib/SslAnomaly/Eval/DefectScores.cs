namespace SslAnomaly.Eval;

/// <summary>
/// A model's probabilities for an evaluation set: either one defect probability per image (a binary
/// classifier such as the linear probe) or one probability per Sewer-ML code (a multi-label model).
/// </summary>
public sealed class DefectScores
{
    DefectScores(double[] defect, double[,]? perCode)
    {
        foreach (var p in defect)
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"Probabilities must lie in [0, 1]; got {p}.");
        Defect = defect;
        PerCode = perCode;
    }

    /// <summary>A binary classifier: each code counts as predicted exactly when "defect" is (docs/data-flow.md, Metrics).</summary>
    public static DefectScores Binary(IReadOnlyList<double> defectProbability) => new(defectProbability.ToArray(), null);

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
    public bool IsMultiLabel => PerCode is not null;
    public int Count => Defect.Length;

    public DefectScores Select(IReadOnlyList<int> rows)
    {
        if (PerCode is null) return new(rows.Select(i => Defect[i]).ToArray(), null);
        var perCode = new double[rows.Count, PerCode.GetLength(1)];
        for (int r = 0; r < rows.Count; r++)
            for (int k = 0; k < PerCode.GetLength(1); k++) perCode[r, k] = PerCode[rows[r], k];
        return MultiLabel(perCode);
    }
}
