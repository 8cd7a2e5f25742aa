using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>
/// Per-sample random parameters, drawn on the CPU from a torch <see cref="Generator"/> in float64. Keeping
/// all draws on one CPU generator makes augmentation reproducible from its state (checkpointable with
/// <c>get_state</c>) whatever device the images live on.
/// </summary>
public static class RandomDraws
{
    public static double[] Uniform(Generator generator, int count, double low, double high)
    {
        if (count == 0) return [];
        using var u = rand([count], ScalarType.Float64, generator: generator);
        return u.data<double>().Select(v => low + (high - low) * v).ToArray();
    }

    public static bool[] Bernoulli(Generator generator, int count, double p) =>
        Uniform(generator, count, 0, 1).Select(u => u < p).ToArray();

    /// <summary>One uniformly random permutation of 0..n-1 per sample (as torch.randperm per image).</summary>
    public static int[][] Permutations(Generator generator, int count, int n)
    {
        if (count == 0) return [];
        using var u = rand([count, n], ScalarType.Float64, generator: generator);
        using var order = u.argsort(1);
        var flat = order.data<long>().ToArray();
        return Enumerable.Range(0, count).Select(i => flat.Skip(i * n).Take(n).Select(v => (int)v).ToArray()).ToArray();
    }
}
