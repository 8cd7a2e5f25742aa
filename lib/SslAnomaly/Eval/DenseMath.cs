using System.Numerics;
using System.Runtime.InteropServices;

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

    /// <summary>Doubles in a tile of B's rows: 256 KiB (64 rows of 512) stay in a core's L2 cache while the rows of A pass over them.</summary>
    const int TileDoubles = 32 * 1024;

    /// <summary>
    /// C = A B^T for row-major A [rows_A, dim] and B [rows_B, dim], into row-major C [rows_A, rows_B]: C[i, j] is the dot
    /// product of row i of A with row j of B, summed in exactly <see cref="Dot"/>'s order, so it equals
    /// <c>Dot(A_i, B_j)</c> bit for bit whatever the shapes. Four rows of A meet two rows of B at a time (eight running
    /// sums in registers) to read memory less often than one dot product at a time would. Single-threaded: callers
    /// parallelise over blocks of A's rows, which changes no sum.
    /// </summary>
    public static void MultiplyByTranspose(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int dim, Span<double> c)
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "The row length must be positive.");
        if (a.Length % dim != 0 || b.Length % dim != 0) throw new ArgumentException($"A ({a.Length}) and B ({b.Length}) are not whole {dim}-wide rows.");
        int rowsA = a.Length / dim, rowsB = b.Length / dim;
        if (c.Length != rowsA * rowsB) throw new ArgumentException($"C holds {c.Length} values, not {rowsA} x {rowsB}.", nameof(c));
        int tileRows = Math.Max(2, TileDoubles / dim);
        for (int j0 = 0; j0 < rowsB; j0 += tileRows)
        {
            int j1 = Math.Min(rowsB, j0 + tileRows);
            int i = 0;
            for (; i + 4 <= rowsA; i += 4)
            {
                int j = j0;
                for (; j + 2 <= j1; j += 2) FourByTwo(a, i, b, j, dim, c, rowsB);
                for (; j < j1; j++)
                    for (int r = i; r < i + 4; r++) c[r * rowsB + j] = Dot(a.Slice(r * dim, dim), b.Slice(j * dim, dim));
            }
            for (; i < rowsA; i++)
                for (int j = j0; j < j1; j++) c[i * rowsB + j] = Dot(a.Slice(i * dim, dim), b.Slice(j * dim, dim));
        }
    }

    /// <summary>Rows of A per parallel task of <see cref="MultiplyByTranspose(double[], double[], int)"/>: fixed, so the
    /// partition (which changes no sum anyway) does not follow the thread count.</summary>
    const int ParallelRows = 16;

    /// <summary>C = A B^T as a new row-major [rows_A, rows_B] array, blocks of A's rows in parallel; the same bits as the
    /// single-threaded <see cref="MultiplyByTranspose(ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double})"/>.</summary>
    public static double[] MultiplyByTranspose(double[] a, double[] b, int dim)
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "The row length must be positive.");
        int rowsA = a.Length / dim, rowsB = b.Length / dim;
        var c = new double[rowsA * rowsB];
        Parallel.For(0, (rowsA + ParallelRows - 1) / ParallelRows, block =>
        {
            int start = block * ParallelRows, rows = Math.Min(ParallelRows, rowsA - start);
            MultiplyByTranspose(a.AsSpan(start * dim, rows * dim), b, dim, c.AsSpan(start * rowsB, rows * rowsB));
        });
        return c;
    }

    /// <summary>The 4 x 2 block of C at rows i..i+3, columns j..j+1, each entry summed in <see cref="Dot"/>'s order.</summary>
    static void FourByTwo(ReadOnlySpan<double> a, int i, ReadOnlySpan<double> b, int j, int dim, Span<double> c, int rowsB)
    {
        int width = Vector<double>.Count, vectorLength = dim - dim % width;
        ReadOnlySpan<double> a0 = a.Slice(i * dim, dim), a1 = a.Slice((i + 1) * dim, dim), a2 = a.Slice((i + 2) * dim, dim), a3 = a.Slice((i + 3) * dim, dim);
        ReadOnlySpan<double> b0 = b.Slice(j * dim, dim), b1 = b.Slice((j + 1) * dim, dim);
        var x0 = MemoryMarshal.Cast<double, Vector<double>>(a0[..vectorLength]);
        var x1 = MemoryMarshal.Cast<double, Vector<double>>(a1[..vectorLength]);
        var x2 = MemoryMarshal.Cast<double, Vector<double>>(a2[..vectorLength]);
        var x3 = MemoryMarshal.Cast<double, Vector<double>>(a3[..vectorLength]);
        var y0 = MemoryMarshal.Cast<double, Vector<double>>(b0[..vectorLength]);
        var y1 = MemoryMarshal.Cast<double, Vector<double>>(b1[..vectorLength]);
        Vector<double> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
        for (int v = 0; v < y0.Length; v++)
        {
            Vector<double> u0 = y0[v], u1 = y1[v];
            s00 += x0[v] * u0; s01 += x0[v] * u1;
            s10 += x1[v] * u0; s11 += x1[v] * u1;
            s20 += x2[v] * u0; s21 += x2[v] * u1;
            s30 += x3[v] * u0; s31 += x3[v] * u1;
        }
        c[i * rowsB + j] = Finish(s00, a0, b0, vectorLength); c[i * rowsB + j + 1] = Finish(s01, a0, b1, vectorLength);
        c[(i + 1) * rowsB + j] = Finish(s10, a1, b0, vectorLength); c[(i + 1) * rowsB + j + 1] = Finish(s11, a1, b1, vectorLength);
        c[(i + 2) * rowsB + j] = Finish(s20, a2, b0, vectorLength); c[(i + 2) * rowsB + j + 1] = Finish(s21, a2, b1, vectorLength);
        c[(i + 3) * rowsB + j] = Finish(s30, a3, b0, vectorLength); c[(i + 3) * rowsB + j + 1] = Finish(s31, a3, b1, vectorLength);
    }

    /// <summary>The end of <see cref="Dot"/>: the lanes in order, then the scalar tail.</summary>
    static double Finish(Vector<double> lanes, ReadOnlySpan<double> a, ReadOnlySpan<double> b, int tailStart)
    {
        double sum = 0;
        for (int k = 0; k < Vector<double>.Count; k++) sum += lanes[k];
        for (int i = tailStart; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
