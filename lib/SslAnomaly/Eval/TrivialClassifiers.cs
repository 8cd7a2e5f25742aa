using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>
/// Classifiers that look at no image, computed from a subset's labels alone: the reference rows every
/// learned score must clear. Names as they appear in result.json's "trivial" object.
/// <list type="bullet">
/// <item><c>always_defect</c>: predicts "defect" for every image. On a subset with defect share p:
///   precision p, recall 1, F1 = 2p / (1 + p), F1_Normal 0; F2_CIW by the official per-class counts.</item>
/// <item><c>prior</c>: predicts "defect" at random with probability p (the subset's own share), scored by its
///   expected counts (TP = p x defects, FP = p x normals): precision = recall = F1 = F2 = p, F1_Normal = 1 - p;
///   per code k, precision is the code's share of all images and recall p. AUROC 0.5 and AUPRC p for both.</item>
/// </list>
/// </summary>
public static class TrivialClassifiers
{
    public const string AlwaysDefect = "always_defect", Prior = "prior";
    public static readonly IReadOnlyList<string> Names = [AlwaysDefect, Prior];

    public static DefectMetrics Evaluate(string name, GroundTruth truth) => name switch
    {
        AlwaysDefect => EvaluateAlwaysDefect(truth),
        Prior => EvaluatePrior(truth),
        _ => throw new ArgumentException($"Unknown trivial classifier '{name}' (known: {string.Join(", ", Names)}).", nameof(name)),
    };

    public static DefectMetrics EvaluateAlwaysDefect(GroundTruth truth) =>
        new EvaluationSet(truth, DefectScores.Binary(Enumerable.Repeat(1.0, truth.Count).ToArray())).Evaluate();

    public static DefectMetrics EvaluatePrior(GroundTruth truth)
    {
        long n = truth.Count, positives = truth.Positives;
        double p = n == 0 ? 0 : (double)positives / n;
        double f2Ciw = double.NaN;
        var perCode = Array.Empty<double>();
        if (truth.CodeMasks is { } masks)
        {
            var weights = SewerMlCodes.ClassImportanceWeights;
            perCode = new double[weights.Count];
            double weighted = 0;
            for (int k = 0; k < perCode.Length; k++)
            {
                long withCode = masks.Count(m => (m & (1 << k)) != 0);
                // Expected counts: predicted-k = p n, correct-k = p n_k, so P_k = n_k / n and R_k = p (both 0 without the code).
                double precision = withCode == 0 ? 0 : (double)withCode / n, recall = withCode == 0 ? 0 : p;
                perCode[k] = ConfusionCounts.FScore(precision, recall, 2);
                weighted += weights[k] * perCode[k];
            }
            f2Ciw = weighted / weights.Sum();
        }
        return new DefectMetrics(
            Count: n, Positives: positives,
            Precision: p, Recall: p,
            F1: ConfusionCounts.FScore(p, p, 1), F2: ConfusionCounts.FScore(p, p, 2),
            F1Normal: ConfusionCounts.FScore(1 - p, 1 - p, 1),
            F2Ciw: f2Ciw, F2PerCode: perCode,
            Auroc: positives == 0 || positives == n ? double.NaN : 0.5,
            Auprc: positives == 0 ? double.NaN : p);
    }

    /// <summary>result.json's "trivial" object: classifier -> validation key -> metrics (the shape of "metrics").</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricsReport>> Reports(IReadOnlyList<(string Key, GroundTruth Truth)> subsets) =>
        Names.ToDictionary(name => name, name => (IReadOnlyDictionary<string, MetricsReport>)subsets.ToDictionary(
            s => s.Key, s => MetricsReport.From(Evaluate(name, s.Truth))));
}
