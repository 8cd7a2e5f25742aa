namespace SslAnomaly.Eval;

/// <summary>The probe's metrics on one validation subset, with bootstrap intervals when computed.</summary>
public sealed record SubsetResult(string Key, DefectMetrics Metrics, IReadOnlyDictionary<string, ConfidenceInterval>? Intervals)
{
    public MetricsReport ToReport() => MetricsReport.From(Metrics, Intervals);
}
