using SslAnomaly.Util;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>
/// The checked ops a backbone runs. Each call describes its op (<see cref="KernelOp"/>), asks <see cref="KernelGuard"/>
/// which path passed the kernel check for it (checking it first if this op shape is new), and runs that path. So no
/// convolution, batch norm, linear layer, layer norm or attention of a backbone runs on a kernel that failed the check,
/// whatever batch size, layout, grad mode or precision it is called with. The activations decide the precision
/// (<see cref="ComputePrecision"/>): a bfloat16 input multiplies by its float32 weight cast to bfloat16, and norms take their
/// float32 parameters as they are.
/// </summary>
public static class Kernels
{
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding)
    {
        var op = DescribeConv(input, weight, bias, stride, padding);
        return Run(op, Choose(op), input, weight, bias);
    }

    /// <summary>
    /// <paramref name="norm"/> applied to <paramref name="input"/> [N, C, H, W], updating its running statistics when
    /// training: the functional batch norm its forward runs, so that the check and the model share one path.
    /// </summary>
    public static Tensor BatchNorm(BatchNorm2d norm, Tensor input)
    {
        if (norm.momentum != BatchNormMomentum || norm.eps != BatchNormEps)
            throw new ArgumentException($"the checked batch norm runs libtorch's defaults (momentum {BatchNormMomentum}, eps {BatchNormEps}), not momentum {norm.momentum}, eps {norm.eps}");
        var op = new BatchNormOp(input.shape[0], input.shape[1], input.shape[2], input.shape[3], LayoutOf(input), norm.training,
            NeedsBackward(input, norm.weight)) { Precision = ComputePrecisions.Of(input.dtype) };
        var output = Run(op, Choose(op), input, norm.weight!, norm.bias!, norm.running_mean!, norm.running_var!);
        if (norm.training)
            using (no_grad()) norm.num_batches_tracked?.add_(1); // as the module's own forward counts
        return output;
    }

    public static Tensor Linear(Linear layer, Tensor input)
    {
        var op = DescribeLinear(input, layer.weight!, layer.bias);
        return Run(op, Choose(op), input, layer.weight!, layer.bias);
    }

    public static Tensor LayerNorm(LayerNorm norm, Tensor input)
    {
        var op = new LayerNormOp(input.shape[0], input.dim() == 3 ? input.shape[1] : 1, input.shape[^1], norm.eps, NeedsBackward(input, norm.weight))
            { Precision = ComputePrecisions.Of(input.dtype) };
        return Run(op, Choose(op), input, norm.weight!, norm.bias!);
    }

    /// <summary>Self-attention over q, k, v [N, Heads, Tokens, HeadDim].</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v)
    {
        var op = new AttentionOp(q.shape[0], q.shape[1], q.shape[2], q.shape[3], is_grad_enabled() && (q.requires_grad || k.requires_grad || v.requires_grad))
            { Precision = ComputePrecisions.Of(q.dtype) };
        return Run(op, Choose(op), q, k, v);
    }

    static readonly AsyncLocal<Action<KernelOp>?> observer = new();

    /// <summary>Tells <paramref name="onOp"/> of every checked op this flow of control runs, call by call, until disposed
    /// (the bench counts multiply-accumulates this way).</summary>
    public static IDisposable Observe(Action<KernelOp> onOp)
    {
        var previous = observer.Value;
        observer.Value = onOp;
        return new RestoreOnDispose(() => observer.Value = previous);
    }

    static KernelPath Choose(KernelOp op)
    {
        observer.Value?.Invoke(op);
        return KernelGuard.PathFor(op);
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
        bool smallMap = SmallMapConvolution.Enabled && k == 3 && stride == 1 && padding == 1 && h <= SmallMapConvolution.MaxSide && w <= SmallMapConvolution.MaxSide;
        return new ConvOp(input.shape[0], input.shape[1], h, w, weight.shape[0], k, stride, padding, bias is not null, LayoutOf(input), smallMap,
            NeedsBackward(input, weight)) { Precision = ComputePrecisions.Of(input.dtype) };
    }

    internal static LinearOp DescribeLinear(Tensor input, Tensor weight, Tensor? bias) =>
        new(input.shape[0], input.dim() == 3 ? input.shape[1] : 1, weight.shape[1], weight.shape[0], bias is not null, NeedsBackward(input, weight))
            { Precision = ComputePrecisions.Of(input.dtype) };

    /// <summary>A float32 weight or bias in the precision of the activations it multiplies: the cast is part of the graph, so
    /// its gradient returns to the float32 parameter.</summary>
    static Tensor As(Tensor parameter, Tensor activations) => parameter.dtype == activations.dtype ? parameter : parameter.to(activations.dtype);

    static bool NeedsBackward(Tensor input, Tensor? weight) => is_grad_enabled() && (input.requires_grad || weight?.requires_grad == true);

    // The paths. The model and the kernel check both run these, so what the check passed is what the model runs.

    internal static Tensor Run(ConvOp op, KernelPath path, Tensor input, Tensor weight, Tensor? bias) => Faulted(op, path, input, As(weight, input), (x, w) =>
    {
        bias = bias is null ? null : As(bias, input);
        long[] stride = [op.Stride, op.Stride], padding = [op.Padding, op.Padding];
        return path switch
        {
            KernelPath.Native => nn.functional.conv2d(x, w, bias, stride, padding),
            KernelPath.Nchw => ToLayout(nn.functional.conv2d(x.contiguous(), w, bias, stride, padding), op.Layout),
            KernelPath.Products when op.SmallMapProducts => SmallMapConvolution.Products(x, w),
            KernelPath.Products => ToLayout(Im2ColConv(x, w, bias, op), op.Layout),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for a convolution"),
        };
    });

    /// <summary>im2col (libtorch's unfold, not oneDNN) and one GEMM: [Out, C*K*K] x [N, C*K*K, L].</summary>
    static Tensor Im2ColConv(Tensor input, Tensor weight, Tensor? bias, ConvOp op)
    {
        var columns = nn.functional.unfold(input, (op.Kernel, op.Kernel), padding: (op.Padding, op.Padding), stride: (op.Stride, op.Stride));
        var output = weight.reshape(op.OutChannels, -1).matmul(columns);
        if (bias is not null) output = output.add(bias.view(1, -1, 1));
        return output.view(op.N, op.OutChannels, op.OutHeight, op.OutWidth);
    }

    internal static Tensor Run(LinearOp op, KernelPath path, Tensor input, Tensor weight, Tensor? bias) => Faulted(op, path, input, As(weight, input), (x, w) =>
    {
        bias = bias is null ? null : As(bias, input);
        return path switch
        {
            KernelPath.Native => nn.functional.linear(x, w, bias),
            KernelPath.Products => bias is null ? x.matmul(w.t()) : x.matmul(w.t()).add(bias),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for a linear layer"),
        };
    });

    internal static Tensor Run(LayerNormOp op, KernelPath path, Tensor input, Tensor weight, Tensor bias) => Faulted(op, path, input, weight, (x, w) => path switch
    {
        KernelPath.Native => nn.functional.layer_norm(x, [op.Features], w, bias, op.Eps),
        KernelPath.Math => LayerNormMath(x, w, bias, op.Eps),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for a layer norm"),
    });

    public const double BatchNormMomentum = 0.1, BatchNormEps = 1e-5;

    /// <summary>The functional batch norm a <see cref="BatchNorm2d"/> runs, on each path, with its parameters and running statistics.</summary>
    internal static Tensor Run(BatchNormOp op, KernelPath path, Tensor input, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar) =>
        Faulted(op, path, input, weight, (x, w) => path switch
        {
            KernelPath.Native => nn.functional.batch_norm(x, runningMean, runningVar, w, bias, op.Training, BatchNormMomentum, BatchNormEps),
            KernelPath.Nchw => ToLayout(nn.functional.batch_norm(x.contiguous(), runningMean, runningVar, w, bias, op.Training, BatchNormMomentum, BatchNormEps), op.Layout),
            _ => BatchNormMath(x, runningMean, runningVar, w, bias, op.Training, BatchNormMomentum, BatchNormEps),
        });

    /// <summary>Attention's "weight", for an injected weight-gradient fault, is its keys.</summary>
    internal static Tensor Run(AttentionOp op, KernelPath path, Tensor q, Tensor k, Tensor v) => Faulted(op, path, q, k, (query, key) => path switch
    {
        KernelPath.Native => nn.functional.scaled_dot_product_attention(query, key, v),
        KernelPath.Math => AttentionMath(query, key, v),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "no such path for attention"),
    });

    /// <summary><paramref name="compute"/> on the op's input and weight, with an injected fault applied where one matches.</summary>
    static Tensor Faulted(KernelOp op, KernelPath path, Tensor input, Tensor weight, Func<Tensor, Tensor, Tensor> compute)
    {
        var fault = KernelFaults.Match(op, path);
        return fault is null ? compute(input, weight) : KernelFaults.OnOutput(fault, compute(KernelFaults.OnInput(fault, input), KernelFaults.OnWeight(fault, weight)));
    }

    /// <summary>Batch norm from its definition; when training, the running statistics move as libtorch moves them
    /// (momentum-weighted, the variance unbiased).</summary>
    internal static Tensor BatchNormMath(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, bool training, double momentum, double eps)
    {
        Tensor mean, variance;
        if (training)
        {
            // Statistics of a bfloat16 input in float32, as libtorch's mixed-precision kernel keeps them; any other
            // precision (float32, or float64 in the golden tests) as it comes.
            var values = input.dtype == bfloat16 ? input.to(float32) : input;
            mean = values.mean([0, 2, 3]);
            variance = values.var([0, 2, 3], unbiased: false);
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
        // Float32 parameters would promote a bfloat16 input; the native kernel keeps the input's precision, and so does this.
        return input.mul(scale.view(1, -1, 1, 1).to(input.dtype)).add(shift.view(1, -1, 1, 1).to(input.dtype));
    }

    static Tensor LayerNormMath(Tensor input, Tensor weight, Tensor bias, double eps)
    {
        var mean = input.mean([-1], keepdim: true);
        var variance = input.var([-1], unbiased: false, keepdim: true);
        return input.sub(mean).div(variance.add(eps).sqrt()).mul(weight.to(input.dtype)).add(bias.to(input.dtype));
    }

    static Tensor AttentionMath(Tensor q, Tensor k, Tensor v)
    {
        double scale = 1.0 / Math.Sqrt(q.shape[^1]);
        return q.matmul(k.transpose(-2, -1)).mul(scale).softmax(-1).matmul(v);
    }
}
