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
    /// <summary>Bootstrap intervals keyed by metric name (absent when not computed).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IntervalReport>? Ci { get; init; }

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
        Ci = intervals?.ToDictionary(kv => kv.Key, kv => new IntervalReport(Defined(kv.Value.Low), Defined(kv.Value.High), kv.Value.Level)),
    };

    /// <summary>The value of a scalar metric by its <see cref="DefectMetrics.ScalarNames"/> name (null when undefined).</summary>
    public double? Scalar(string name) => name switch
    {
        "f1" => F1,
        "f2_ciw" => F2Ciw,
        "f1_normal" => F1Normal,
        "precision" => Precision,
        "recall" => Recall,
        "f2" => F2,
        "auroc" => Auroc,
        "auprc" => Auprc,
        _ => throw new ArgumentException($"Unknown metric '{name}' (known: {string.Join(", ", DefectMetrics.ScalarNames)}).", nameof(name)),
    };

    static double? Defined(double v) => double.IsNaN(v) ? null : v;
}

public sealed record IntervalReport(double? Low, double? High, double Level);
