using System.Numerics;

namespace SslAnomaly.Eval;

/// <summary>
/// Dense double-precision kernels whose every sum runs in one fixed order (SIMD lanes of a fixed width, then the lanes,
/// then the tail): the same inputs give the same bits in every process on a CPU, which a BLAS does not promise.
/// </summary>
public static class DenseMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths {a.Length} and {b.Length} differ");
        int i = 0, width = Vector<double>.Count;
        var lanes = Vector<double>.Zero;
        for (; i <= a.Length - width; i += width) lanes += new Vector<double>(a.Slice(i, width)) * new Vector<double>(b.Slice(i, width));
        double sum = 0;
        for (int k = 0; k < width; k++) sum += lanes[k];
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>target += scale * source.</summary>
    public static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double scale)
    {
        if (target.Length != source.Length) throw new ArgumentException($"lengths {target.Length} and {source.Length} differ");
        int i = 0, width = Vector<double>.Count;
        var factor = new Vector<double>(scale);
        for (; i <= target.Length - width; i += width)
            (new Vector<double>(target.Slice(i, width)) + factor * new Vector<double>(source.Slice(i, width))).CopyTo(target.Slice(i, width));
        for (; i < target.Length; i++) target[i] += scale * source[i];
    }
}
