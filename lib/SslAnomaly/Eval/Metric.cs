using System.Globalization;

namespace SslAnomaly.Eval;

/// <summary>Which way a metric improves.</summary>
public enum MetricDirection { HigherIsBetter, LowerIsBetter }

/// <summary>
/// One scalar metric the workbook reports, and the one place that knows it: its name in result.json, CSV and data frames,
/// what a reader sees, what it measures, which way is better, how it prints, and where its value and interval live in
/// <see cref="DefectMetrics"/> and <see cref="MetricsReport"/>. <see cref="All"/> is the registry: Table 1, the report's
/// figures, the notebooks and result.json's readers take metrics from it. A metric converts to its name, so code that
/// still passes names (a result.json key, a CSV column) takes it as is.
/// </summary>
public sealed record Metric(
    string Name,
    string Display,
    string Meaning,
    Func<DefectMetrics, double> Of,
    Func<MetricsReport, (double? Value, IReadOnlyList<double?>? Interval)> InReport)
{
    public MetricDirection Direction { get; init; } = MetricDirection.HigherIsBetter;
    /// <summary>Independent of the decision threshold (ranks the scores): comparable across thresholds and detectors.</summary>
    public bool ThresholdFree { get; init; }
    /// <summary>.NET format string of a value in tables.</summary>
    public string Format { get; init; } = "0.000";

    public static readonly Metric F1 = new("f1", "F1", "F1 of the defect class at the decision threshold", m => m.F1, r => (r.F1, r.F1Ci95));
    public static readonly Metric F2Ciw = new("f2_ciw", "F2_CIW", "Sewer-ML's class-importance-weighted F2 over the 17 codes",
        m => m.F2Ciw, r => (r.F2Ciw, r.F2CiwCi95));
    public static readonly Metric F1Normal = new("f1_normal", "F1_Normal", "F1 of the normal class", m => m.F1Normal, r => (r.F1Normal, r.F1NormalCi95));
    public static readonly Metric Precision = new("precision", "Precision", "precision of the defect class", m => m.Precision, r => (r.Precision, r.PrecisionCi95));
    public static readonly Metric Recall = new("recall", "Recall", "recall of the defect class", m => m.Recall, r => (r.Recall, r.RecallCi95));
    public static readonly Metric F2 = new("f2", "F2", "binary F2 of the defect class", m => m.F2, r => (r.F2, r.F2Ci95));
    public static readonly Metric Auroc = new("auroc", "AUROC", "area under the ROC curve of the defect score (chance: 0.5)",
        m => m.Auroc, r => (r.Auroc, r.AurocCi95)) { ThresholdFree = true };
    public static readonly Metric Auprc = new("auprc", "AUPRC", "average precision of the defect score (chance: the defect share)",
        m => m.Auprc, r => (r.Auprc, r.AuprcCi95)) { ThresholdFree = true };

    /// <summary>Every scalar metric, in the order result.json lists them.</summary>
    public static readonly IReadOnlyList<Metric> All = [F1, F2Ciw, F1Normal, Precision, Recall, F2, Auroc, Auprc];

    static readonly Dictionary<string, Metric> ByName = All.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static Metric Get(string name) => ByName.TryGetValue(name, out var metric) ? metric
        : throw new ArgumentException($"Unknown metric '{name}' (known: {string.Join(", ", All.Select(m => m.Name))}).", nameof(name));

    public static Metric? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The display name of a metric by name; a name the registry does not know prints as it is.</summary>
    public static string DisplayOf(string name) => Find(name)?.Display ?? name;

    /// <summary>A value as tables print it ("–" when undefined).</summary>
    public string Print(double? value) => value is { } v && double.IsFinite(v) ? v.ToString(Format, CultureInfo.InvariantCulture) : "–";

    /// <summary>Whether <paramref name="a"/> is better than <paramref name="b"/> on this metric.</summary>
    public bool Better(double a, double b) => Direction == MetricDirection.HigherIsBetter ? a > b : a < b;

    public static implicit operator string(Metric metric) => metric.Name;

    public override string ToString() => Name;
}
