using System.Globalization;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>
/// A metric's value with its 95 % bootstrap interval (null bounds where the run drew none), as read from one subset of
/// one run's <see cref="MetricsReport"/>. The unit the tables without defect labels and their findings compare.
/// </summary>
public sealed record MetricEstimate(double Value, double? Low, double? High)
{
    public bool HasInterval => Low is not null && High is not null;

    /// <summary>The metric of <paramref name="report"/>; null when the metric is undefined there (AUPRC on a subset without defects).</summary>
    public static MetricEstimate? Of(MetricsReport? report, string metric) =>
        report?.Scalar(metric) is not double value ? null
        : report.Interval(metric) is [double low, double high] ? new MetricEstimate(value, low, high) : new MetricEstimate(value, null, null);

    /// <summary>A run's metric at a subset key ("natural", "5", ...) of the split it is read on.</summary>
    public static MetricEstimate? Of(RunResult run, string key, string metric) =>
        Of(run.Metrics.TryGetValue(key, out var report) ? report : null, metric);

    /// <summary>"0.612 [0.550, 0.671]", or the value alone without an interval.</summary>
    public override string ToString() => HasInterval
        ? $"{Fmt(Value)} [{Fmt(Low!.Value)}, {Fmt(High!.Value)}]"
        : Fmt(Value);

    /// <summary>"–" for a missing estimate, else <see cref="ToString"/>.</summary>
    public static string Text(MetricEstimate? estimate) => estimate?.ToString() ?? "–";

    static string Fmt(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
