using SslAnomaly.Backbones;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>
/// Multiply-accumulates (MACs) of one forward pass, split by whether autograd will run backward through them.
/// Convention: one MAC is a multiply and an add, 2 FLOPs. torchvision's and timm's "GFLOPS" columns are MACs
/// (ResNet-18 at 224 px: 1.81 G; ViT-Tiny/16: 1.26 G), and so is <see cref="ForwardMacs"/>; throughput is quoted in FLOP/s
/// (2 per MAC), the unit in which a GEMM's peak is measured.
/// </summary>
/// <param name="ExecutedTrainedMacs">The trained MACs less the convolution taps on zero padding (<see cref="KernelOp.ExecutedMacs"/>).</param>
/// <param name="ExecutedFrozenMacs">The same for the frozen ones.</param>
public readonly record struct FlopCount(double TrainedMacs, double FrozenMacs, double ExecutedTrainedMacs, double ExecutedFrozenMacs)
{
    /// <summary>Every layer's forward, with or without gradients.</summary>
    public double ForwardMacs => TrainedMacs + FrozenMacs;

    /// <summary>
    /// A training step: backward of a convolution or linear layer computes the input gradient and the weight gradient,
    /// each a product as large as the forward one, so a trained layer costs about 3x its forward (the first layer skips
    /// the input gradient, which is ignored here); a forward without gradients (a teacher, an EMA target) counts once.
    /// </summary>
    public double StepMacs => 3 * TrainedMacs + FrozenMacs;

    public double StepFlops => 2 * StepMacs;
    public double ForwardFlops => 2 * ForwardMacs;

    /// <summary>A step's useful FLOPs: the same count over the MACs that touch data (padding taps left out).</summary>
    public double ExecutedStepFlops => 2 * (3 * ExecutedTrainedMacs + ExecutedFrozenMacs);
    public double ExecutedForwardMacs => ExecutedTrainedMacs + ExecutedFrozenMacs;
}

/// <summary>
/// Counts the MACs of convolutions, linear layers (weight-normalised ones included) and attention's two n x n products
/// by running the model once and reading the real shapes: the backbones' checked ops as they pass through
/// <see cref="Kernels"/>, the heads' linear layers through forward hooks. Norms, activations,
/// pools, softmax, losses and optimisers are not counted: on these models they are well under 1 % of the products, but they
/// are memory-bound, which is part of why a step stays below the GEMM peak.
/// </summary>
public static class FlopCounter
{
    /// <summary>Hooks every counted layer below <paramref name="root"/>, runs <paramref name="run"/>, removes the hooks.</summary>
    public static FlopCount Count(nn.Module root, Action run)
    {
        double trained = 0, frozen = 0, executedTrained = 0, executedFrozen = 0;
        var removers = new List<Action>();
        foreach (var (_, module) in root.named_modules())
        {
            if (module is not nn.Module<Tensor, Tensor> layer || LayerMacs(layer) is not { } macs) continue;
            var hook = layer.register_forward_hook((_, input, output) =>
            {
                // A layer whose output needs no gradient has no backward (teachers run under no_grad). Head layers pad nothing.
                double counted = macs(input, output);
                if (output.requires_grad) { trained += counted; executedTrained += counted; }
                else { frozen += counted; executedFrozen += counted; }
                return output;
            });
            removers.Add(hook.remove);
        }
        try
        {
            // A checked op whose input or weight needs a gradient will run backward.
            using var observe = Kernels.Observe(op =>
            {
                if (op.Backward) { trained += op.ForwardMacs; executedTrained += op.ExecutedMacs; }
                else { frozen += op.ForwardMacs; executedFrozen += op.ExecutedMacs; }
            });
            run();
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
        return new FlopCount(trained, frozen, executedTrained, executedFrozen);
    }

    /// <summary>The forward MACs of one backbone on a batch of random images, eval mode, no gradients.</summary>
    public static double BackboneForwardMacs(Backbone backbone, int resolution, int batch = 1) => BackboneForward(backbone, resolution, batch).ForwardMacs;

    /// <summary>The forward count of one backbone (counted and executed MACs) on a batch of random images, eval mode, no gradients.</summary>
    public static FlopCount BackboneForward(Backbone backbone, int resolution, int batch = 1)
    {
        using var scope = NewDisposeScope();
        bool wasTraining = backbone.training;
        backbone.eval();
        try
        {
            using var noGrad = no_grad();
            var images = randn(batch, 3, resolution, resolution);
            return Count(backbone, () => backbone.call(images));
        }
        finally
        {
            backbone.train(wasTraining);
        }
    }

    /// <summary>How to count one head layer from its input and output, or null for layers not counted here. A backbone's
    /// linear layers run through <see cref="Kernels.Linear"/>, not their own forward, so their hooks never fire: no op
    /// counts twice.</summary>
    static Func<Tensor, Tensor, double>? LayerMacs(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        Linear linear => (_, output) => output.numel() * (double)linear.weight!.shape[1],
        WeightNormLinear wn => (_, output) => output.numel() * (double)wn.Direction.shape[1],
        _ => null,
    };
}
