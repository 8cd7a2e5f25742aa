namespace SslAnomaly.Eval;

/// <summary>
/// Every metric the workbook reports for one evaluation set (see <see cref="EvaluationSet"/> for the
/// definitions). Undefined values: F-scores, precision and recall are 0; F2_CIW is NaN without code
/// labels; AUROC/AUPRC are NaN without both classes (AUPRC: without positives).
/// </summary>
public sealed record DefectMetrics(
    long Count,
    long Positives,
    double Precision,
    double Recall,
    double F1,
    double F2,
    double F1Normal,
    double F2Ciw,
    IReadOnlyList<double> F2PerCode,
    double Auroc,
    double Auprc)
{
    /// <summary>Names of the scalar metrics (<see cref="Metric.All"/>), as they appear in result.json, CSV and data frames.</summary>
    public static readonly IReadOnlyList<string> ScalarNames = Metric.All.Select(m => m.Name).ToList();

    public double Scalar(string name) => Metric.Get(name).Of(this);

    /// <summary>The official metrics for <paramref name="scores"/> against <paramref name="truth"/>, decided at the scores' own
    /// threshold (0.5 for probabilities) unless <paramref name="threshold"/> overrides it.</summary>
    public static DefectMetrics Compute(GroundTruth truth, DefectScores scores, double? threshold = null) =>
        new EvaluationSet(truth, scores, threshold).Evaluate();
}
