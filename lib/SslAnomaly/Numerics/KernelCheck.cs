using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>One path of one op against the float64 reference: the largest relative error of its output, input gradient
/// and weight gradients (NaN where a value was not finite; 0 for what a forward-only op does not compute), and the
/// tolerance of the op's precision.</summary>
public sealed record PathCheck(KernelPath Path, double OutputError, double InputGradientError, double WeightGradientError)
{
    /// <summary>The largest error this check allows (<see cref="KernelCheck.ToleranceFor"/> of the op's precision).</summary>
    public double Tolerance { get; init; } = KernelCheck.Tolerance;

    public bool Passed => Within(OutputError) && Within(InputGradientError) && Within(WeightGradientError);

    bool Within(double error) => error <= Tolerance; // false for NaN

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{KernelFaults.PathName(Path)}: {(Passed ? "ok" : "WRONG")} (output {Show(OutputError)}, input grad {Show(InputGradientError)}, weight grad {Show(WeightGradientError)})");

    static string Show(double error) => double.IsNaN(error) ? "not finite" : error.ToString("0.0e+0", CultureInfo.InvariantCulture);
}

/// <summary>
/// Runs an op on a given path, as the model would (same shape, layout, precision, grad mode and thread count), and the same
/// op in float64 through libtorch's native reference kernels (a float64 convolution does not go through oneDNN), on the
/// same random inputs. Ops whose samples are independent (convolution, linear, layer norm, attention) are compared on a few
/// samples of the batch: the fp32 op still runs on the whole batch, the upstream gradient is zero outside those samples,
/// so the weight gradient's reference needs only them and every other sample's input gradient must come out zero. Batch
/// norm couples the batch and is compared whole.
/// </summary>
public static class KernelCheck
{
    /// <summary>
    /// Largest error allowed, relative to the largest magnitude of the reference: fp32 rounding over the few thousand
    /// terms of these sums stays near 1e-5, while the kernel faults seen in the wild were off by 0.2-0.5 or NaN.
    /// </summary>
    public const double Tolerance = 1e-3;

    /// <summary>
    /// The bfloat16 tolerance: its 8-bit significand rounds each input, weight and output by up to 2^-9 (2e-3), so errors
    /// of a few 1e-3 of the largest magnitude are rounding; the faults seen in the wild stay an order of magnitude above.
    /// </summary>
    public const double BFloat16Tolerance = 3e-2;

    public static double ToleranceFor(ComputePrecision precision) => precision == ComputePrecision.BFloat16 ? BFloat16Tolerance : Tolerance;

    /// <summary>Samples compared against the reference: the first, the last and two between (all of a batch of at most four).</summary>
    public static long[] ComparedSamples(long batch) => batch <= 4 ? [.. Enumerable.Range(0, (int)batch).Select(i => (long)i)] : [0, batch / 3, 2 * batch / 3, batch - 1];

    public static PathCheck Run(KernelOp op, KernelPath path)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad(op.Backward);
        // A generator of its own: the check must not move the global one, or a run would depend on whether its verdicts were cached.
        using var generator = new Generator((ulong)StableHash(op.Descriptor));
        var @case = op switch
        {
            ConvOp conv => ConvCase(conv, path, generator),
            BatchNormOp norm => BatchNormCase(norm, path, generator),
            LinearOp linear => LinearCase(linear, path, generator),
            LayerNormOp norm => LayerNormCase(norm, path, generator),
            AttentionOp attention => AttentionCase(attention, path, generator),
            _ => throw new ArgumentException($"no check for {op.GetType().Name}", nameof(op)),
        };
        return Compare(op, path, op.Precision == ComputePrecision.BFloat16 ? InBFloat16(@case) : @case, generator) with { Tolerance = ToleranceFor(op.Precision) };
    }

    /// <summary>The case as a bfloat16 model runs it: the activation (the first input) enters as bfloat16, the parameters
    /// stay float32 (the op casts what it multiplies), and the output is compared in float32.</summary>
    static Case InBFloat16(Case c) => c with { AsModelRuns = t => c.AsModelRuns([t[0].to(bfloat16), .. t[1..]]).to(float32) };

    /// <summary>The fp32 inputs (the first is the op's input, in the model's layout) and the op as the path runs it and as
    /// the float64 reference.</summary>
    sealed record Case(Tensor[] Inputs, Func<Tensor[], Tensor> AsModelRuns, Func<Tensor[], Tensor> Reference, bool SamplesIndependent);

    static Case ConvCase(ConvOp op, KernelPath path, Generator g)
    {
        var x = RandomImages(op.N, op.InChannels, op.Height, op.Width, op.Layout, g);
        var w = randn([op.OutChannels, op.InChannels, op.Kernel, op.Kernel], generator: g).div_(Math.Sqrt(op.InChannels * op.Kernel * op.Kernel));
        Tensor[] inputs = op.Bias ? [x, w, randn([op.OutChannels], generator: g)] : [x, w];
        long[] stride = [op.Stride, op.Stride], padding = [op.Padding, op.Padding];
        return new Case(inputs,
            t => Kernels.Run(op, path, t[0], t[1], op.Bias ? t[2] : null),
            t => nn.functional.conv2d(t[0].contiguous(), t[1], op.Bias ? t[2] : null, stride, padding),
            SamplesIndependent: true);
    }

    static Case BatchNormCase(BatchNormOp op, KernelPath path, Generator g)
    {
        var x = RandomImages(op.N, op.Channels, op.Height, op.Width, op.Layout, g).mul_(2).add_(0.5);
        var weight = randn([op.Channels], generator: g).mul_(0.2).add_(1);
        var bias = randn([op.Channels], generator: g).mul_(0.2);
        var mean = randn([op.Channels], generator: g).mul_(0.1);
        var variance = rand([op.Channels], generator: g).add_(0.5);
        // Running statistics are state, not inputs: each side gets its own copy, which a training batch norm updates.
        return new Case([x, weight, bias],
            t => Kernels.Run(op, path, t[0], t[1], t[2], mean.clone(), variance.clone()),
            t => nn.functional.batch_norm(t[0].contiguous(), mean.to_type(float64), variance.to_type(float64), t[1], t[2], op.Training, Kernels.BatchNormMomentum, Kernels.BatchNormEps),
            SamplesIndependent: !op.Training);
    }

    static Case LinearCase(LinearOp op, KernelPath path, Generator g)
    {
        long[] shape = op.Rows == 1 ? [op.N, op.InFeatures] : [op.N, op.Rows, op.InFeatures];
        var x = randn(shape, generator: g);
        var w = randn([op.OutFeatures, op.InFeatures], generator: g).div_(Math.Sqrt(op.InFeatures));
        Tensor[] inputs = op.Bias ? [x, w, randn([op.OutFeatures], generator: g)] : [x, w];
        return new Case(inputs,
            t => Kernels.Run(op, path, t[0], t[1], op.Bias ? t[2] : null),
            t => nn.functional.linear(t[0], t[1], op.Bias ? t[2] : null),
            SamplesIndependent: true);
    }

    static Case LayerNormCase(LayerNormOp op, KernelPath path, Generator g)
    {
        long[] shape = op.Rows == 1 ? [op.N, op.Features] : [op.N, op.Rows, op.Features];
        var x = randn(shape, generator: g).mul_(2).add_(0.5);
        var weight = randn([op.Features], generator: g).mul_(0.2).add_(1);
        var bias = randn([op.Features], generator: g).mul_(0.2);
        return new Case([x, weight, bias],
            t => Kernels.Run(op, path, t[0], t[1], t[2]),
            t => nn.functional.layer_norm(t[0], [op.Features], t[1], t[2], op.Eps),
            SamplesIndependent: true);
    }

    static Case AttentionCase(AttentionOp op, KernelPath path, Generator g)
    {
        // q, k and v as the ViT makes them: strided views of one projection.
        var qkv = randn([op.N, op.Tokens, 3 * op.Heads * op.HeadDim], generator: g);
        Tensor[] Split(Tensor t) => t.reshape(t.shape[0], op.Tokens, 3, op.Heads, op.HeadDim).permute(2, 0, 3, 1, 4).unbind(0);
        return new Case([qkv],
            t => { var h = Split(t[0]); return Kernels.Run(op, path, h[0], h[1], h[2]); },
            t =>
            {
                var h = Split(t[0]);
                return h[0].matmul(h[1].transpose(-2, -1)).mul(1.0 / Math.Sqrt(op.HeadDim)).softmax(-1).matmul(h[2]);
            },
            SamplesIndependent: true);
    }

    /// <summary>Standard normal [N, C, H, W] drawn straight into <paramref name="layout"/>'s strides (no copy).</summary>
    static Tensor RandomImages(long n, long channels, long height, long width, MemoryLayout layout, Generator g) => layout == MemoryLayout.ChannelsLast
        ? randn([n, height, width, channels], generator: g).permute(0, 3, 1, 2)
        : randn([n, channels, height, width], generator: g);

    static PathCheck Compare(KernelOp op, KernelPath path, Case c, Generator g)
    {
        var inputs = c.Inputs.Select(t => t.requires_grad_(op.Backward)).ToArray();
        var output = c.AsModelRuns(inputs);
        long batch = inputs[0].shape[0];
        var samples = c.SamplesIndependent ? ComparedSamples(batch) : [.. Enumerable.Range(0, (int)batch).Select(i => (long)i)];
        var index = tensor(samples);
        using var noGradRef = enable_grad(op.Backward);
        var reference = inputs.Select((t, i) => (i == 0 ? t.detach().index_select(0, index) : t.detach()).to_type(float64).requires_grad_(op.Backward)).ToArray();
        var referenceOutput = c.Reference(reference);
        if (op.Backward)
        {
            var upstream = randn(output.shape, generator: g);
            if (c.SamplesIndependent)
            {
                var keep = zeros([batch]).index_fill_(0, index, 1.0).view([batch, .. Enumerable.Repeat(1L, (int)output.dim() - 1)]);
                upstream = upstream.mul(keep);
            }
            output.mul(upstream).sum().backward();
            referenceOutput.mul(upstream.index_select(0, index).to_type(float64)).sum().backward();
        }

        double outputError = AllFinite(output) ? RelativeError(output.detach().index_select(0, index), referenceOutput.detach()) : double.NaN;
        if (!op.Backward) return new PathCheck(path, outputError, 0, 0);

        var inputGrad = inputs[0].grad;
        double inputError = inputGrad is null || !AllFinite(inputGrad) ? double.NaN : RelativeError(inputGrad.index_select(0, index), reference[0].grad!);
        if (c.SamplesIndependent && inputGrad is not null && samples.Length < batch && !double.IsNaN(inputError))
        {
            // Samples the upstream gradient never reached must get none.
            var others = tensor(Enumerable.Range(0, (int)batch).Select(i => (long)i).Except(samples).ToArray());
            double leak = inputGrad.index_select(0, others).abs().max().to_type(float64).item<double>() / Scale(reference[0].grad!);
            inputError = Math.Max(inputError, leak);
        }
        double weightError = 0;
        for (int i = 1; i < inputs.Length; i++)
        {
            var gradient = inputs[i].grad;
            weightError = gradient is null || !AllFinite(gradient) ? double.NaN : Math.Max(weightError, RelativeError(gradient, reference[i].grad!));
            if (double.IsNaN(weightError)) break;
        }
        return new PathCheck(path, outputError, inputError, weightError);
    }

    static bool AllFinite(Tensor t) => isfinite(t.detach()).all().item<bool>();

    static double Scale(Tensor reference) => Math.Max(reference.abs().max().item<double>(), 1e-12);

    static double RelativeError(Tensor value, Tensor reference) =>
        value.to_type(float64).sub(reference).abs().max().item<double>() / Scale(reference);

    /// <summary>FNV-1a: the same seed for the same op in every process (string.GetHashCode is randomised per process).</summary>
    static long StableHash(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (char ch in text) hash = (hash ^ ch) * 1099511628211;
        return (long)(hash & 0x7FFF_FFFF_FFFF_FFFF);
    }
}
