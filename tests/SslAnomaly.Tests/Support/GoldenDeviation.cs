using static TorchSharp.torch;

namespace SslAnomaly.Tests.Support;

/// <summary>
/// Worst deviation of computed values from golden ones, with NaN (or inf) counted as infinitely far. Enumerable.Max and
/// MaxBy skip NaN, and `dev > worst` is false for NaN, so the plain forms let a broken NaN result pass a comparison.
/// </summary>
public static class GoldenDeviation
{
    /// <summary>Max |expected - actual| / max(1, |expected|) when <paramref name="relative"/>, else max |expected - actual|, and where.</summary>
    public static (double Worst, int Index) Of(IReadOnlyList<double> expected, IReadOnlyList<double> actual, bool relative = false)
    {
        if (expected.Count != actual.Count) throw new ArgumentException($"{expected.Count} golden values, {actual.Count} computed");
        (double worst, int index) = (0, -1);
        for (int i = 0; i < expected.Count; i++)
        {
            double d = Distance(expected[i], actual[i], relative);
            if (d > worst || index < 0) (worst, index) = (d, i);
            if (double.IsPositiveInfinity(worst)) break;
        }
        return (worst, index);
    }

    public static (double Worst, int Index) Of(IReadOnlyList<float> expected, IReadOnlyList<float> actual, bool relative = false) =>
        Of(expected.Select(v => (double)v).ToList(), actual.Select(v => (double)v).ToList(), relative);

    /// <summary>The same over two whole tensors (compared in float64, shapes must match).</summary>
    public static (double Worst, int Index) OfTensors(Tensor expected, Tensor actual, bool relative = false)
    {
        if (!expected.shape.SequenceEqual(actual.shape))
            throw new ArgumentException($"shape [{string.Join(",", actual.shape)}], golden [{string.Join(",", expected.shape)}]");
        return Of(Values(expected), Values(actual), relative);
    }

    static double[] Values(Tensor t)
    {
        using var flat = t.detach().cpu().to(ScalarType.Float64).contiguous().flatten();
        return flat.data<double>().ToArray();
    }

    static double Distance(double expected, double actual, bool relative)
    {
        if (!double.IsFinite(expected) || !double.IsFinite(actual)) return expected.Equals(actual) && !double.IsNaN(actual) ? 0 : double.PositiveInfinity;
        double d = Math.Abs(expected - actual);
        return relative ? d / Math.Max(1, Math.Abs(expected)) : d;
    }
}
