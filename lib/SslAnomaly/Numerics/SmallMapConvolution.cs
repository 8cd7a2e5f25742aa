using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>
/// A 3x3, stride-1, padding-1 convolution on maps of at most 2x2 as matrix products. On such a map every output position
/// sees every input position through exactly one tap, so the convolution is y_q = sum_p x_p W[tap(p, q)]: one batched
/// product per output position, with no multiply spent on padding. ResNet-18's layer4 gets 2x2 maps at 64 px (ImageNet
/// stem), where oneDNN's direct convolution runs at a fraction of its usual speed (26-31 ms forward and backward of one
/// 512-channel layer against 14.5 ms as products from tap-major storage, batch 64, 2 cores) and where its backward-data
/// was wrong or NaN on AMD Zen 5.
/// </summary>
public static class SmallMapConvolution
{
    /// <summary>The largest map side: beyond 2, an output position no longer sees every input one.</summary>
    public const int MaxSide = 2;

    /// <summary>Set SSL_ANOMALY_SMALL_MAP_PRODUCTS=0 to run every 3x3 convolution through libtorch's kernel (for comparisons).</summary>
    public const string EnabledVariable = "SSL_ANOMALY_SMALL_MAP_PRODUCTS";

    /// <summary>
    /// Whether 3x3 convolutions on maps of at most 2x2 run as these products (the default) or through libtorch's
    /// convolution like any other. The switch exists so that a benchmark can compare the same algorithm on both sides;
    /// it is read once, here, and must be set before a model is built (ResNet-18 picks its weight storage from it).
    /// </summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable(EnabledVariable) is not ("0" or "false" or "off");

    // Tap index per (output position, input position), by map shape and device.
    static readonly ConcurrentDictionary<(long H, long W, string Device), Tensor> TapIndices = new();

    /// <summary>
    /// The convolution of <paramref name="input"/> [B, in, h, w] (h, w at most <see cref="MaxSide"/>) with a 3x3
    /// stride-1 padding-1 <paramref name="weight"/> [out, in, 3, 3] as one batched product per output position.
    /// </summary>
    public static Tensor Products(Tensor input, Tensor weight)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0], h = input.shape[2], w = input.shape[3], inChannels = weight.shape[1], outChannels = weight.shape[0];
        long positions = h * w;
        // [9, in, out]: a view when the storage is tap-major, a gather of strided blocks otherwise.
        var taps = weight.permute(2, 3, 1, 0).reshape(9, inChannels, outChannels);
        var blocks = taps.index_select(0, TapIndex(h, w, input.device)).view(positions, positions * inChannels, outChannels);
        // Position-major, channels inner: a view of a channels-last input.
        var flat = input.permute(0, 2, 3, 1).reshape(batch, positions * inChannels);
        var perPosition = flat.unsqueeze(0).expand(positions, batch, positions * inChannels).bmm(blocks); // [q, B, out]
        // Back to [B, out, h, w] in channels-last strides, as libtorch's convolution returns for a channels-last input.
        return perPosition.permute(1, 0, 2).reshape(batch, h, w, outChannels).permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>For output position q and input position p (row-major), the tap ky * 3 + kx that joins them.</summary>
    static Tensor TapIndex(long h, long w, Device device) => TapIndices.GetOrAdd((h, w, device.ToString()), key =>
    {
        long positions = key.H * key.W;
        var index = new long[positions * positions];
        for (long q = 0; q < positions; q++)
            for (long p = 0; p < positions; p++)
            {
                long ky = p / key.W - q / key.W + 1, kx = p % key.W - q % key.W + 1;
                index[q * positions + p] = ky * 3 + kx;
            }
        return tensor(index, device: device).DetachFromDisposeScope();
    });
}
