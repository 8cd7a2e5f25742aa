using static TorchSharp.torch;

namespace SslAnomaly.Tests.Support;

/// <summary>The comparison every golden test uses must fail on NaN and inf, wherever they sit.</summary>
public class GoldenDeviationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_nan_anywhere_is_infinitely_far(int at)
    {
        double[] golden = [1, 2, 3];
        var computed = golden.ToArray();
        computed[at] = double.NaN;
        Assert.Equal((double.PositiveInfinity, at), GoldenDeviation.Of(golden.ToList(), computed.ToList()));
        Assert.Equal((double.PositiveInfinity, at), GoldenDeviation.Of(golden.ToList(), computed.ToList(), relative: true));
        // What the old comparisons did: Max() and MaxBy skip the NaN and report the finite worst.
        Assert.Equal(0, golden.Zip(computed, (e, a) => Math.Abs(e - a)).Max());
    }

    [Fact]
    public void Infinities_and_float_nans_fail_and_exact_values_pass()
    {
        Assert.Equal(double.PositiveInfinity, GoldenDeviation.Of([1.0], [double.PositiveInfinity]).Worst);
        Assert.Equal(double.PositiveInfinity, GoldenDeviation.Of([1f, 2f], [1f, float.NaN]).Worst);
        Assert.Equal((0.5, 1), GoldenDeviation.Of([1.0, 2.0], [1.0, 2.5]));
        Assert.Equal(0, GoldenDeviation.Of([1f, 2f], [1f, 2f]).Worst);
    }

    [Fact]
    public void Whole_tensors_are_compared_element_by_element()
    {
        using var scope = NewDisposeScope();
        var golden = arange(12, dtype: ScalarType.Float64).reshape(3, 4);
        var computed = golden.clone();
        computed[2, 3] = tensor(double.NaN);
        Assert.Equal((double.PositiveInfinity, 11), GoldenDeviation.OfTensors(golden, computed));
        computed[2, 3] = tensor(11.0);
        computed[1, 0] = tensor(4.25);
        Assert.Equal((0.25, 4), GoldenDeviation.OfTensors(golden, computed));
        Assert.Throws<ArgumentException>(() => GoldenDeviation.OfTensors(golden, computed.reshape(4, 3)));
    }
}
