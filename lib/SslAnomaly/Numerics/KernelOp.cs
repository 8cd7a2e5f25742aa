using System.Globalization;
using System.Text.Json.Serialization;

namespace SslAnomaly.Numerics;

/// <summary>How a 4-d activation is laid out in memory: libtorch picks different oneDNN kernels for each.</summary>
public enum MemoryLayout { Nchw, ChannelsLast }

/// <summary>
/// One way to compute an op. <see cref="Native"/> is libtorch's kernel on the data as the model lays it out; the others are
/// remedies a failing native kernel falls back to: the same kernel on NCHW data, our own matrix products (im2col and a
/// GEMM, or the small-map products of <see cref="Backbones.Conv3x3"/>), or the textbook formula in elementary ops.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<KernelPath>))]
public enum KernelPath { Native, Nchw, Products, Math }

/// <summary>
/// One distinct op shape a backbone runs: what the kernel check exercises and what a verdict is cached under. Two calls
/// with equal ops run the same kernel, so one check serves both. <see cref="Backward"/> says whether the input and weight
/// gradients are computed too (training) or only the forward (feature extraction, under no_grad).
/// </summary>
public abstract record KernelOp(bool Backward)
{
    /// <summary>The number format of the op's activations (its input, output and their gradients); weights stay float32.</summary>
    public ComputePrecision Precision { get; init; }

    /// <summary>oneDNN-verbose-like text naming the op: its kind, sizes, layout and direction, and "bf16" for a bfloat16 one
    /// (a float32 op's text carries no precision, as before there was a choice, so cached verdicts stay valid).</summary>
    public string Descriptor => Precision == ComputePrecision.BFloat16 ? Shape + " bf16" : Shape;

    /// <summary>The op's kind, sizes, layout and direction.</summary>
    protected abstract string Shape { get; }

    /// <summary>The paths to try, best first: the first is what the model runs when nothing fails.</summary>
    public abstract IReadOnlyList<KernelPath> Paths { get; }

    /// <summary>Multiply-accumulates of the forward (0 for norms): the convention of torchvision's and timm's "GFLOPS".</summary>
    public virtual double ForwardMacs => 0;

    /// <summary>The MACs that touch data: <see cref="ForwardMacs"/> less a convolution's taps that fall on zero padding
    /// (a quarter of ResNet-18's counted MACs at 64 px, over half in layer4's 2x2 maps). "% of peak" over these is the
    /// share of useful work; over the counted ones, the convention libraries quote.</summary>
    public virtual double ExecutedMacs => ForwardMacs;

    protected string Direction => Backward ? "fwd+bwd" : "fwd";

    protected static string LayoutName(MemoryLayout layout) => layout == MemoryLayout.ChannelsLast ? "channels-last" : "nchw";

    protected static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public sealed override string ToString() => Descriptor;
}

/// <summary>A 2-d convolution: input [N, C, H, W] in <see cref="Layout"/>, weight [Out, C, K, K], square stride and padding.</summary>
public sealed record ConvOp(long N, long InChannels, long Height, long Width, long OutChannels, long Kernel, long Stride, long Padding, bool Bias,
    MemoryLayout Layout, bool SmallMapProducts, bool Backward) : KernelOp(Backward)
{
    protected override string Shape => Format(
        $"conv2d mb{N} ic{InChannels} ih{Height} iw{Width} oc{OutChannels} k{Kernel} s{Stride} p{Padding} {(Bias ? "bias" : "nobias")} {LayoutName(Layout)} {Direction}");

    public long OutHeight => (Height + 2 * Padding - Kernel) / Stride + 1;
    public long OutWidth => (Width + 2 * Padding - Kernel) / Stride + 1;

    /// <summary>Each output element a dot product over in-channels x kernel, whichever path runs it (the products skip padding).</summary>
    public override double ForwardMacs => (double)N * OutChannels * OutHeight * OutWidth * InChannels * Kernel * Kernel;

    /// <summary>Taps inside the input, counted per axis (rows and columns pad independently) and multiplied.</summary>
    public override double ExecutedMacs => (double)N * OutChannels * InChannels * TapsInside(Height, OutHeight) * TapsInside(Width, OutWidth);

    /// <summary>Over every output position along one axis, the kernel taps whose input index lies in [0, side).</summary>
    long TapsInside(long side, long outSide)
    {
        long taps = 0;
        for (long o = 0; o < outSide; o++)
        {
            long first = o * Stride - Padding;
            taps += Math.Max(0, Math.Min(first + Kernel, side) - Math.Max(first, 0));
        }
        return taps;
    }

    /// <summary>The small-map products first where they apply (that is what the model runs there); otherwise libtorch's
    /// kernel, the same kernel on NCHW data (only differs for a channels-last input), then im2col products.</summary>
    public override IReadOnlyList<KernelPath> Paths => SmallMapProducts
        ? [KernelPath.Products, KernelPath.Native]
        : Layout == MemoryLayout.ChannelsLast ? [KernelPath.Native, KernelPath.Nchw, KernelPath.Products] : [KernelPath.Native, KernelPath.Products];
}

/// <summary>Batch norm over [N, C, H, W] in <see cref="Layout"/>: batch statistics when training, running ones otherwise.</summary>
public sealed record BatchNormOp(long N, long Channels, long Height, long Width, MemoryLayout Layout, bool Training, bool Backward) : KernelOp(Backward)
{
    protected override string Shape => Format($"batch_norm mb{N} c{Channels} h{Height} w{Width} {LayoutName(Layout)} {(Training ? "train" : "eval")} {Direction}");

    public override IReadOnlyList<KernelPath> Paths => Layout == MemoryLayout.ChannelsLast ? [KernelPath.Native, KernelPath.Nchw, KernelPath.Math] : [KernelPath.Native, KernelPath.Math];
}

/// <summary>A linear layer applied to [N, Rows, In] (Rows = 1 for a 2-d input).</summary>
public sealed record LinearOp(long N, long Rows, long InFeatures, long OutFeatures, bool Bias, bool Backward) : KernelOp(Backward)
{
    protected override string Shape => Format($"linear mb{N} rows{Rows} in{InFeatures} out{OutFeatures} {(Bias ? "bias" : "nobias")} {Direction}");

    public override double ForwardMacs => (double)N * Rows * OutFeatures * InFeatures;

    public override IReadOnlyList<KernelPath> Paths => [KernelPath.Native, KernelPath.Products];
}

/// <summary>Layer norm over the last dimension of [N, Rows, Features], with an affine weight and bias.</summary>
public sealed record LayerNormOp(long N, long Rows, long Features, double Eps, bool Backward) : KernelOp(Backward)
{
    protected override string Shape => Format($"layer_norm mb{N} rows{Rows} c{Features} eps{Eps:G3} {Direction}");

    public override IReadOnlyList<KernelPath> Paths => [KernelPath.Native, KernelPath.Math];
}

/// <summary>Scaled dot-product self-attention, q, k and v taken from one [N, Tokens, 3 * Heads * HeadDim] projection.</summary>
public sealed record AttentionOp(long N, long Heads, long Tokens, long HeadDim, bool Backward) : KernelOp(Backward)
{
    protected override string Shape => Format($"attention mb{N} heads{Heads} tokens{Tokens} dh{HeadDim} {Direction}");

    /// <summary>q k^T and (softmax) v: each N x heads x tokens^2 x head dim.</summary>
    public override double ForwardMacs => 2.0 * N * Heads * Tokens * Tokens * HeadDim;

    public override IReadOnlyList<KernelPath> Paths => [KernelPath.Native, KernelPath.Math];
}
