namespace SslAnomaly.Bench;

/// <summary>A point estimate with a percentile bootstrap interval (<see cref="Level"/> = 0.95 for 2.5 % and 97.5 %).</summary>
public sealed record Interval(double Estimate, double Lower, double Upper, int Resamples, double Level)
{
    public static readonly Interval Missing = new(double.NaN, double.NaN, double.NaN, 0, double.NaN);

    public bool IsFinite => double.IsFinite(Estimate);
}

/// <summary>
/// Per-round rates of one side in one configuration, grouped by repeat: <c>Repeats[r][k]</c> is round k of repeat r.
/// Each round is one fresh process, so rounds are independent draws; a repeat is one block of the plan in time (its
/// rounds share that block's machine state), which is why resampling goes over repeats first, then rounds.
/// </summary>
public sealed record RoundSamples(IReadOnlyList<IReadOnlyList<double>> Repeats)
{
    public IEnumerable<double> All => Repeats.SelectMany(r => r);
    public int Count => Repeats.Sum(r => r.Count);
    public double Median => Count == 0 ? double.NaN : BenchReport.Median(All);

    /// <summary>One hierarchical resample, given the repeats drawn: within each, its rounds drawn with replacement; the median of the lot.</summary>
    public double ResampledMedian(IReadOnlyList<int> repeats, Random random)
    {
        var drawn = new List<double>();
        foreach (int r in repeats)
        {
            var rounds = Repeats[r];
            for (int k = 0; k < rounds.Count; k++) drawn.Add(rounds[random.Next(rounds.Count)]);
        }
        return drawn.Count == 0 ? double.NaN : BenchReport.Median(drawn);
    }
}

/// <summary>
/// Bootstrap intervals on ratios of rates. The ratio of a comparison is median(ours) / median(theirs) over every round
/// of every repeat. A resample draws repeats with replacement (the same draw for both sides, since a repeat is a time
/// block both sides ran in), then within each drawn repeat each side's rounds with replacement, independently: the two
/// sides' rounds are separate processes, never pairs. With one repeat this is the plain percentile bootstrap over rounds.
/// </summary>
public static class Bootstrap
{
    public const int DefaultResamples = 2000;
    public const double DefaultLevel = 0.95;

    /// <summary>ours / theirs as a ratio of medians, with its hierarchical percentile interval.</summary>
    public static Interval Ratio(RoundSamples ours, RoundSamples theirs, int resamples = DefaultResamples, double level = DefaultLevel, int seed = 1) =>
        GeometricMean([(ours, theirs)], resamples, level, seed);

    /// <summary>
    /// The geometric mean of several ratios (one per method), each resampled as in <see cref="Ratio"/> and independently of
    /// the others, so the interval carries every method's noise; one pair gives that pair's ratio.
    /// </summary>
    public static Interval GeometricMean(IReadOnlyList<(RoundSamples Ours, RoundSamples Theirs)> pairs, int resamples = DefaultResamples, double level = DefaultLevel, int seed = 1)
    {
        if (pairs.Count == 0 || pairs.Any(p => p.Ours.Count == 0 || p.Theirs.Count == 0)) return Interval.Missing;
        double estimate = BenchReport.GeometricMean(pairs.Select(p => p.Ours.Median / p.Theirs.Median));
        var random = new Random(seed);
        var draws = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            double logSum = 0;
            foreach (var (ours, theirs) in pairs)
            {
                int repeats = Math.Min(ours.Repeats.Count, theirs.Repeats.Count);
                var drawn = new int[repeats];
                for (int i = 0; i < repeats; i++) drawn[i] = random.Next(repeats);
                logSum += Math.Log(ours.ResampledMedian(drawn, random) / theirs.ResampledMedian(drawn, random));
            }
            draws[b] = Math.Exp(logSum / pairs.Count);
        }
        Array.Sort(draws);
        double tail = (1 - level) / 2;
        return new Interval(estimate, Percentile(draws, tail), Percentile(draws, 1 - tail), resamples, level);
    }

    /// <summary>Linear interpolation between the order statistics of a sorted array (numpy's default).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        double position = q * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
