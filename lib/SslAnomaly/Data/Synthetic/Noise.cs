using System.Runtime.CompilerServices;

namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// Integer-hash value noise: no tables, no state, the same values on every thread. Used for wall texture,
/// stains, deposit surfaces and sensor noise.
/// </summary>
public static class Noise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(int x, int y, uint seed)
    {
        uint h = seed ^ (uint)x * 0x27D4EB2Fu ^ (uint)y * 0x165667B1u;
        h ^= h >> 15;
        h *= 0x85EBCA77u;
        h ^= h >> 13;
        h *= 0xC2B2AE3Du;
        return h ^ (h >> 16);
    }

    /// <summary>Uniform in [0, 1) for a lattice point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Lattice(int x, int y, uint seed) => (Hash(x, y, seed) >> 8) * (1f / (1 << 24));

    /// <summary>Smooth value noise in [0, 1).</summary>
    public static float Value(float x, float y, uint seed) => Smooth(x, y, ~0, seed);

    /// <summary>Fractal sum of <paramref name="octaves"/> value-noise layers, in [0, 1).</summary>
    public static float Fbm(float x, float y, uint seed, int octaves)
    {
        float sum = 0, amplitude = 0.5f, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            sum += amplitude * Value(x, y, seed + (uint)o * 0x9E3779B9u);
            norm += amplitude;
            x = x * 2.03f + 17.1f;
            y = y * 2.03f - 9.7f;
            amplitude *= 0.5f;
        }
        return sum / norm;
    }

    /// <summary>Value noise that repeats every <paramref name="period"/> units in x (for angles around the pipe); period is a power of two.</summary>
    public static float ValuePeriodicX(float x, float y, int period, uint seed) => Smooth(x, y, period - 1, seed);

    /// <summary>Smoothstep-interpolated lattice noise; lattice x indices are masked with <paramref name="xMask"/> (~0: no wrap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Smooth(float x, float y, int xMask, uint seed)
    {
        var fx = MathF.Floor(x);
        var fy = MathF.Floor(y);
        int ix = (int)fx, iy = (int)fy;
        float tx = x - fx, ty = y - fy;
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        int x0 = ix & xMask, x1 = (ix + 1) & xMask;
        var a = Lattice(x0, iy, seed);
        var b = Lattice(x1, iy, seed);
        var c = Lattice(x0, iy + 1, seed);
        var d = Lattice(x1, iy + 1, seed);
        return a + (b - a) * tx + (c - a) * ty + (a - b - c + d) * tx * ty;
    }

    /// <summary>Fractal noise periodic in x: each octave doubles both the frequency and the period.</summary>
    public static float FbmPeriodicX(float x, float y, int period, uint seed, int octaves)
    {
        float sum = 0, amplitude = 0.5f, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            sum += amplitude * ValuePeriodicX(x, y, period, seed + (uint)o * 0x9E3779B9u);
            norm += amplitude;
            x *= 2;
            y = y * 2 + 7.3f;
            period *= 2;
            amplitude *= 0.5f;
        }
        return sum / norm;
    }

    /// <summary>Roughly standard-normal per-pixel noise (sum of three uniforms, rescaled).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gaussianish(int x, int y, uint seed) =>
        (Lattice(x, y, seed) + Lattice(x, y, seed ^ 0xA5A5A5A5u) + Lattice(x, y, seed ^ 0x5A5A5A5Au) - 1.5f) * 2f;
}
