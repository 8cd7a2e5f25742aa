using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>
/// The checked ops a backbone runs. Each call describes its op (<see cref="KernelOp"/>), asks <see cref="KernelGuard"/>
/// which path passed the kernel check for it (checking it first if this op shape is new), and runs that path. So no
/// convolution, batch norm, linear layer, layer norm or attention of a backbone runs on a kernel that failed the check,
/// whatever batch size, layout or grad mode it is called with.
/// </summary>
public static class Kernels
{
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding)
    {
        var op = DescribeConv(input, weight, bias, stride, padding);
        return Run(op, KernelGuard.PathFor(op), input, weight, bias);
    }

    /// <summary><paramref name="norm"/> applied to <paramref name="input"/> [N, C, H, W], updating its running statistics when training.</summary>
    public static Tensor BatchNorm(BatchNorm2d norm, Tensor input)
    {
        var op = new BatchNormOp(input.shape[0], input.shape[1], input.shape[2], input.shape[3], LayoutOf(input), norm.training,
            NeedsBackward(input, norm.weight));
        var path = KernelGuard.PathFor(op);
        var fault = KernelFaults.Match(op, path);
        input = KernelFaults.OnInput(fault, input);
        var output = path switch
        {
            KernelPath.Native => norm.call(input),
            KernelPath.Nchw => ToLayout(norm.call(input.contiguous()), op.Layout),
            _ => BatchNormMath(input, norm.running_mean!, norm.running_var!, norm.weight!, norm.bias!, norm.training, norm.momentum ?? 0.1, norm.eps),
        };
        return KernelFaults.OnOutput(fault, output);
    }

    public static Tensor Linear(Linear layer, Tensor input)
    {
        var op = DescribeLinear(input, layer.weight!, layer.bias);
        return Run(op, KernelGuard.PathFor(op), input, layer.weight!, layer.bias);
    }

    public static Tensor LayerNorm(LayerNorm norm, Tensor input)
    {
        var op = new LayerNormOp(input.shape[0], input.dim() == 3 ? input.shape[1] : 1, input.shape[^1], norm.eps, NeedsBackward(input, norm.weight));
        return Run(op, KernelGuard.PathFor(op), input, norm.weight!, norm.bias!);
    }

    /// <summary>Self-attention over q, k, v [N, Heads, Tokens, HeadDim].</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v)
    {
        var op = new AttentionOp(q.shape[0], q.shape[1], q.shape[2], q.shape[3], is_grad_enabled() && (q.requires_grad || k.requires_grad || v.requires_grad));
        return Run(op, KernelGuard.PathFor(op), q, k, v);
    }

    public static MemoryLayout LayoutOf(Tensor images) =>
        images.dim() == 4 && images.shape[1] > 1 && images.stride(1) == 1 ? MemoryLayout.ChannelsLast : MemoryLayout.Nchw;

    /// <summary>The same values in <paramref name="layout"/>'s strides.</summary>
    public static Tensor ToLayout(Tensor images, MemoryLayout layout) => layout == MemoryLayout.ChannelsLast
        ? images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
        : images.contiguous();

    internal static ConvOp DescribeConv(Tensor input, Tensor weight, Tensor? bias, long stride, long padding)
    {
        long k = weight.shape[2], h = input.shape[2], w = input.shape[3];
        bool smallMap = k == 3 && stride == 1 && padding == 1 && h <= Backbones.Conv3x3.MaxProductSide && w <= Backbones.Conv3x3.MaxProductSide;
        return new ConvOp(input.shape[0], input.shape[1], h, w, weight.shape[0], k, stride, padding, bias is not null, LayoutOf(input), smallMap,
            NeedsBackward(input, weight));
    }

    internal static LinearOp DescribeLinear(Tensor input, Tensor weight, Tensor? bias) =>
        new(input.shape[0], input.dim() == 3 ? input.shape[1] : 1, weight.shape[1], weight.shape[0], bias is not null, NeedsBackward(input, weight));

    static bool NeedsBackward(Tensor input, Tensor? weight) => is_grad_enabled() && (input.requires_grad || weight?.requires_grad == true);

    // The paths. The model and the kernel check both run these, so what the check passed is what the model runs.

    internal static Tensor Run(ConvOp op, KernelPath path, Tensor input, Tensor weight, Tensor? bias)
    {
        var fault = KernelFaults.Match(op, path);
        input = KernelFaults.OnInput(fault, input);
        weight = KernelFaults.OnWeight(fault, weight);
        long[] stride = [op.Stride, op.Stride], padding = [op.Padding, op.Padding];
        var output = path switch
        {
            KernelPath.Native => nn.functional.conv2d(input, weight, bias, stride, padding),
            KernelPath.Nchw => ToLayout(nn.functional.conv2d(input.contiguous(), weight, bias, stride, padding), op.Layout),
            KernelPath.Products when op.SmallMapProducts => Backbones.Conv3x3.SmallMapProducts(input, weight),
            KernelPath.Products => ToLayout(Im2ColConv(input, weight, bias, op), op.Layout),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for a convolution"),
        };
        return KernelFaults.OnOutput(fault, output);
    }

    /// <summary>im2col (libtorch's unfold, not oneDNN) and one GEMM: [Out, C*K*K] x [N, C*K*K, L].</summary>
    static Tensor Im2ColConv(Tensor input, Tensor weight, Tensor? bias, ConvOp op)
    {
        long outH = (op.Height + 2 * op.Padding - op.Kernel) / op.Stride + 1, outW = (op.Width + 2 * op.Padding - op.Kernel) / op.Stride + 1;
        var columns = nn.functional.unfold(input, (op.Kernel, op.Kernel), padding: (op.Padding, op.Padding), stride: (op.Stride, op.Stride));
        var output = weight.reshape(op.OutChannels, -1).matmul(columns);
        if (bias is not null) output = output.add(bias.view(1, -1, 1));
        return output.view(op.N, op.OutChannels, outH, outW);
    }

    internal static Tensor Run(LinearOp op, KernelPath path, Tensor input, Tensor weight, Tensor? bias)
    {
        var fault = KernelFaults.Match(op, path);
        input = KernelFaults.OnInput(fault, input);
        weight = KernelFaults.OnWeight(fault, weight);
        var output = path switch
        {
            KernelPath.Native => nn.functional.linear(input, weight, bias),
            KernelPath.Products => bias is null ? input.matmul(weight.t()) : input.matmul(weight.t()).add(bias),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for a linear layer"),
        };
        return KernelFaults.OnOutput(fault, output);
    }

    internal static Tensor Run(LayerNormOp op, KernelPath path, Tensor input, Tensor weight, Tensor bias)
    {
        var fault = KernelFaults.Match(op, path);
        input = KernelFaults.OnInput(fault, input);
        weight = KernelFaults.OnWeight(fault, weight);
        var output = path switch
        {
            KernelPath.Native => nn.functional.layer_norm(input, [op.Features], weight, bias, op.Eps),
            KernelPath.Math => LayerNormMath(input, weight, bias, op.Eps),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for a layer norm"),
        };
        return KernelFaults.OnOutput(fault, output);
    }

    internal static Tensor Run(AttentionOp op, KernelPath path, Tensor q, Tensor k, Tensor v)
    {
        var fault = KernelFaults.Match(op, path);
        q = KernelFaults.OnInput(fault, q);
        k = KernelFaults.OnWeight(fault, k);
        var output = path switch
        {
            KernelPath.Native => nn.functional.scaled_dot_product_attention(q, k, v),
            KernelPath.Math => AttentionMath(q, k, v),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for attention"),
        };
        return KernelFaults.OnOutput(fault, output);
    }

    /// <summary>Batch norm from its definition; when training, the running statistics move as libtorch moves them
    /// (momentum-weighted, the variance unbiased).</summary>
    internal static Tensor BatchNormMath(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, bool training, double momentum, double eps)
    {
        Tensor mean, variance;
        if (training)
        {
            mean = input.mean([0, 2, 3]);
            variance = input.var([0, 2, 3], unbiased: false);
            using var noGrad = no_grad();
            long count = input.numel() / input.shape[1];
            runningMean.mul_(1 - momentum).add_(mean.detach(), alpha: momentum);
            runningVar.mul_(1 - momentum).add_(variance.detach() * ((double)count / Math.Max(count - 1, 1)), alpha: momentum);
        }
        else
        {
            mean = runningMean;
            variance = runningVar;
        }
        var scale = weight.div(variance.add(eps).sqrt());
        var shift = bias.sub(mean.mul(scale));
        return input.mul(scale.view(1, -1, 1, 1)).add(shift.view(1, -1, 1, 1));
    }

    static Tensor LayerNormMath(Tensor input, Tensor weight, Tensor bias, double eps)
    {
        var mean = input.mean([-1], keepdim: true);
        var variance = input.var([-1], unbiased: false, keepdim: true);
        return input.sub(mean).div(variance.add(eps).sqrt()).mul(weight).add(bias);
    }

    static Tensor AttentionMath(Tensor q, Tensor k, Tensor v)
    {
        double scale = 1.0 / Math.Sqrt(q.shape[^1]);
        return q.matmul(k.transpose(-2, -1)).mul(scale).softmax(-1).matmul(v);
    }
}
