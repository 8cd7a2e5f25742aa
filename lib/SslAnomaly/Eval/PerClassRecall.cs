using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>How many frames of one defect class a model flags as defective: its visibility to that model.</summary>
public sealed record ClassRecall(string Code, int Frames, int Flagged, double Recall, ConfidenceInterval Interval);

/// <summary>
/// Per-class recall of a binary defect model: for each Sewer-ML code, the share of frames showing that code whose
/// defect probability reaches the threshold, with a Wilson 95 % interval. A class the model never finds is a class the
/// data (at that resolution) or the model cannot show; notebook 01 puts this beside each class's size in pixels.
/// </summary>
public static class PerClassRecall
{
    public static IReadOnlyList<ClassRecall> Compute(SewerMlTable truth, PredictionTable predictions, double threshold = 0.5)
    {
        var rows = truth.RowsOf(predictions.Filenames);
        var codes = truth.Codes;
        var result = new List<ClassRecall>(SewerMlCodes.Codes.Count);
        for (int k = 0; k < SewerMlCodes.Codes.Count; k++)
        {
            int frames = 0, flagged = 0;
            for (int i = 0; i < rows.Length; i++)
            {
                if (!codes[rows[i], k]) continue;
                frames++;
                if (predictions.Scores.Defect[i] >= threshold) flagged++;
            }
            double recall = frames == 0 ? double.NaN : (double)flagged / frames;
            result.Add(new ClassRecall(SewerMlCodes.Codes[k], frames, flagged, recall, Wilson(flagged, frames)));
        }
        return result;
    }

    /// <summary>Wilson score interval (95 %) of a proportion; undefined (NaN) without trials.</summary>
    public static ConfidenceInterval Wilson(int successes, int trials, double z = 1.959963984540054)
    {
        if (trials == 0) return new ConfidenceInterval(double.NaN, double.NaN, 0.95);
        double n = trials, p = successes / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new ConfidenceInterval(Math.Max(0, centre - half), Math.Min(1, centre + half), 0.95);
    }
}
