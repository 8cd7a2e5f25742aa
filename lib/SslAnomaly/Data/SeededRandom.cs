namespace SslAnomaly.Data;

/// <summary>
/// A small, explicit random generator (xoshiro256**, seeded through SplitMix64) for everything in the
/// data layer that must be reproducible across runs, threads and .NET versions: subset selection,
/// batch order, synthetic images. Streams are derived from (seed, stream ids), so image i of a split can
/// be rendered on any thread, in any order, and still get the same numbers.
/// </summary>
public sealed class SeededRandom
{
    ulong s0, s1, s2, s3;

    public SeededRandom(ulong seed)
    {
        var sm = seed;
        s0 = SplitMix64(ref sm);
        s1 = SplitMix64(ref sm);
        s2 = SplitMix64(ref sm);
        s3 = SplitMix64(ref sm);
    }

    /// <summary>An independent stream for (seed, ids...): e.g. (seed, split, image index).</summary>
    public static SeededRandom For(long seed, params ReadOnlySpan<ulong> streamIds)
    {
        var h = (ulong)seed ^ 0x5EED_5EED_5EED_5EEDUL;
        foreach (var id in streamIds)
        {
            var x = h ^ (id + 0x9E3779B97F4A7C15UL);
            h = SplitMix64(ref x);
        }
        return new SeededRandom(h);
    }

    static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    public float Uniform(float low, float high) => low + (high - low) * NextFloat();

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Uniform integer in [0, n), unbiased (Lemire's method).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var range = (ulong)n;
        var m = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = (0 - range) % range;
            while (low < threshold) m = Math.BigMul(NextUInt64(), range, out low);
        }
        return (int)m;
    }

    public int NextInt(int low, int highExclusive) => low + NextInt(highExclusive - low);

    /// <summary>Standard normal (Box-Muller; one value per call keeps the stream simple).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }

    /// <summary>Index drawn with the given (unnormalised, non-negative) weights.</summary>
    public int Pick(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        var u = NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return i;
        }
        return weights.Length - 1;
    }
}
