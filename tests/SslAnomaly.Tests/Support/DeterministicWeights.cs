using static TorchSharp.torch;

namespace SslAnomaly.Tests.Support;

/// <summary>
/// Fills tensors from a counter-based hash of their name, exactly as tests/fixtures/gen_backbones.py
/// does, so golden tests share weights with PyTorch without storing megabytes of them.
/// </summary>
public static class DeterministicWeights
{
    public static double[] HashUniform(string name, long n)
    {
        uint h = 2166136261;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(name)) h = unchecked((h ^ b) * 16777619);
        var u = new double[n];
        for (long i = 0; i < n; i++)
        {
            uint x = unchecked(h + (uint)((ulong)i * 2654435761UL));
            x ^= x >> 16;
            x = unchecked(x * 0x45D9F3Bu);
            x ^= x >> 16;
            u[i] = x / 4294967296.0;
        }
        return u;
    }

    public static float[] Values(string name, long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var u = HashUniform(name, n);
        Func<double, double> map =
            name.EndsWith("running_var") ? v => 1.0 + 0.5 * v
            : name.EndsWith("running_mean") ? v => 0.1 * (2 * v - 1)
            : name.EndsWith("cls_token") || name.EndsWith("pos_embed") ? v => 0.05 * (2 * v - 1)
            : shape.Length >= 2 ? v => Math.Sqrt(3.0 / (n / shape[0])) * (2 * v - 1)
            : name.EndsWith("weight") ? v => 1.0 + 0.2 * (2 * v - 1)
            : v => 0.1 * (2 * v - 1);
        return u.Select(v => (float)map(v)).ToArray();
    }

    /// <summary>Overwrites every parameter and float buffer of the module.</summary>
    public static void Fill(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in module.named_parameters()) p.copy_(tensor(Values(name, p.shape)).reshape(p.shape));
        foreach (var (name, b) in module.named_buffers())
            if (b.dtype == ScalarType.Float32) b.copy_(tensor(Values(name, b.shape)).reshape(b.shape));
    }

    public static Tensor Input(long[] shape)
    {
        var u = HashUniform("input", shape.Aggregate(1L, (a, b) => a * b));
        return tensor(u.Select(v => (float)(2 * v - 1)).ToArray()).reshape(shape);
    }
}
