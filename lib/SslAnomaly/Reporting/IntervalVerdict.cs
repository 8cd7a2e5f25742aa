namespace SslAnomaly.Reporting;

/// <summary>
/// How two estimates compare by their 95 % intervals alone, two-sided: one is above the other only when its whole
/// interval lies above the other's. Intervals that overlap, or a missing interval, say nothing either way. Two intervals
/// that do not overlap differ at well below the 5 % level, so this is a conservative test: "inconclusive" is said
/// more often than a paired test on the same images would say it, never less.
/// </summary>
public enum IntervalVerdict
{
    Inconclusive,
    Above,
    Below,
}

public static class IntervalComparison
{
    /// <summary>Whether <paramref name="a"/> lies above or below <paramref name="b"/>; inconclusive when they overlap or either lacks an interval.</summary>
    public static IntervalVerdict Compare(MetricEstimate? a, MetricEstimate? b)
    {
        if (a is not { HasInterval: true } || b is not { HasInterval: true }) return IntervalVerdict.Inconclusive;
        if (a.Low > b.High) return IntervalVerdict.Above;
        if (a.High < b.Low) return IntervalVerdict.Below;
        return IntervalVerdict.Inconclusive;
    }

    /// <summary>
    /// The difference <paramref name="a"/> - <paramref name="b"/> with the widest interval the two intervals allow
    /// ([a.low - b.high, a.high - b.low]): without the images' scores no paired interval can be drawn, and this one
    /// covers every difference the two intervals admit.
    /// </summary>
    public static MetricEstimate? Difference(MetricEstimate? a, MetricEstimate? b) =>
        a is null || b is null ? null
        : a.HasInterval && b.HasInterval ? new MetricEstimate(a.Value - b.Value, a.Low - b.High, a.High - b.Low)
        : new MetricEstimate(a.Value - b.Value, null, null);

    public static string Name(this IntervalVerdict verdict) => verdict switch
    {
        IntervalVerdict.Above => "above",
        IntervalVerdict.Below => "below",
        _ => "inconclusive",
    };
}
