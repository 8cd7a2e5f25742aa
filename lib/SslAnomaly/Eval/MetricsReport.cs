using System.Text.Json.Serialization;
using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>
/// The serialisable metrics of one validation subset: a value of result.json's "metrics" object
/// (docs/result-json.md) and of `ssl-anomaly metrics --json`. Undefined values are null.
/// </summary>
public sealed record MetricsReport
{
    public required double F1 { get; init; }
    public required double? F2Ciw { get; init; }
    public required double F1Normal { get; init; }
    public required double Precision { get; init; }
    public required double Recall { get; init; }
    public required double F2 { get; init; }
    public required double? Auroc { get; init; }
    public required double? Auprc { get; init; }
    public required long N { get; init; }
    public required long Positives { get; init; }
    /// <summary>Actual defect share of the subset, in percent.</summary>
    public required double DefectPct { get; init; }
    /// <summary>Per-code F2 keyed by Sewer-ML code (absent without code labels).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? F2PerCode { get; init; }
    // 95 % stratified-bootstrap intervals as [lo, hi] beside each metric (docs/result-json.md, metrics: "<metric>_ci95");
    // absent when the bootstrap was switched off, a null bound when no replicate had a defined value.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? F1Ci95 { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? F2CiwCi95 { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? F1NormalCi95 { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? PrecisionCi95 { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? RecallCi95 { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? F2Ci95 { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? AurocCi95 { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<double?>? AuprcCi95 { get; init; }
    /// <summary>Level of the intervals (0.95 unless the bootstrap options say otherwise; absent without intervals).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? CiLevel { get; init; }

    /// <summary>The fewest defect images a reported share may rest on: below it a cell is shown with its count and marked too small.</summary>
    public const int MinimumDefects = 30;

    /// <summary>Fewer than <see cref="MinimumDefects"/> defect images behind these numbers.</summary>
    [JsonIgnore] public bool TooFewDefects => Positives < MinimumDefects;

    /// <summary>The JSON key of a metric's interval, e.g. "f1_ci95".</summary>
    public static string IntervalKey(string metric) => metric + "_ci95";

    public static MetricsReport From(DefectMetrics m, IReadOnlyDictionary<string, ConfidenceInterval>? intervals = null) => new()
    {
        F1 = m.F1,
        F2Ciw = Defined(m.F2Ciw),
        F1Normal = m.F1Normal,
        Precision = m.Precision,
        Recall = m.Recall,
        F2 = m.F2,
        Auroc = Defined(m.Auroc),
        Auprc = Defined(m.Auprc),
        N = m.Count,
        Positives = m.Positives,
        DefectPct = m.Count == 0 ? 0 : 100.0 * m.Positives / m.Count,
        F2PerCode = m.F2PerCode.Count == 0 ? null
            : SewerMlCodes.Codes.Select((code, k) => (code, k)).ToDictionary(c => c.code, c => m.F2PerCode[c.k]),
        F1Ci95 = Bounds(intervals, Metric.F1),
        F2CiwCi95 = Bounds(intervals, Metric.F2Ciw),
        F1NormalCi95 = Bounds(intervals, Metric.F1Normal),
        PrecisionCi95 = Bounds(intervals, Metric.Precision),
        RecallCi95 = Bounds(intervals, Metric.Recall),
        F2Ci95 = Bounds(intervals, Metric.F2),
        AurocCi95 = Bounds(intervals, Metric.Auroc),
        AuprcCi95 = Bounds(intervals, Metric.Auprc),
        CiLevel = intervals?.Values.Select(i => (double?)i.Level).FirstOrDefault(),
    };

    /// <summary>The [lo, hi] interval of a scalar metric by its <see cref="DefectMetrics.ScalarNames"/> name (null when not computed).</summary>
    public IReadOnlyList<double?>? Interval(string name) => Entry(name).Interval;

    /// <summary>The value of a scalar metric by its <see cref="DefectMetrics.ScalarNames"/> name (null when undefined).</summary>
    public double? Scalar(string name) => Entry(name).Value;

    /// <summary>A metric's value and interval, where the registry says they live (<see cref="Metric.InReport"/>).</summary>
    (double? Value, IReadOnlyList<double?>? Interval) Entry(string name) => Metric.Get(name).InReport(this);

    static double? Defined(double v) => double.IsNaN(v) ? null : v;

    static IReadOnlyList<double?>? Bounds(IReadOnlyDictionary<string, ConfidenceInterval>? intervals, string name) =>
        intervals is not null && intervals.TryGetValue(name, out var ci) ? [Defined(ci.Low), Defined(ci.High)] : null;
}
