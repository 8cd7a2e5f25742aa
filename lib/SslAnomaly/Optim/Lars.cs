using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Optim;

/// <summary>
/// LARS (You et al. 2017) with solo-learn's / lightly's semantics: SGD with momentum whose update, for groups
/// marked <see cref="ParameterGroup.Adapt"/>, is (g + wd w) scaled by the trust ratio
/// eta ||w|| / (||g|| + wd ||w|| + eps) — only when both norms are non-zero, else the raw gradient is used.
/// Groups without adaptation (biases, norm parameters) get plain SGD, g + wd w (their wd is 0 by default).
/// With <paramref name="clipLr"/> (solo-learn's clip_lr, which its recipes for SimCLR, BYOL, Barlow Twins and DINO all
/// set) the trust ratio is capped at the scheduled rate: the layer steps by min(eta ||w|| / (...), lr) times the
/// gradient instead of lr times that ratio: a layer whose ratio is below the rate moves 1/lr times further than without
/// the cap, one whose ratio is above it moves 1/ratio times further.
/// The momentum buffer starts as the first update (no dampening, as torch.optim.SGD).
/// With no adapted group this is exactly SGD with momentum ("sgd" in the method config).
/// </summary>
public sealed class Lars(IReadOnlyList<ParameterGroup> groups, double learningRate, double momentum = 0.9, double eta = 0.02,
    double eps = 1e-8, bool nesterov = false, bool clipLr = false) : Optimizer(groups, learningRate)
{
    public bool ClipLr { get; } = clipLr;
    public double Momentum { get; } = momentum;
    public double Eta { get; } = eta;
    public double Eps { get; } = eps;
    public bool Nesterov { get; } = nesterov;

    protected override void Update(ParameterGroup group, string name, Parameter parameter, Tensor grad)
    {
        if (parameter.device_type == DeviceType.CPU && Momentum != 0 && !Nesterov) UpdateInPlace(group, name, parameter, grad);
        else UpdateWithTensors(group, name, parameter, grad);
    }

    /// <summary>
    /// The CPU path: the update u = s (g + c w) is never materialised. The trust ratio s comes back to the host (a read of
    /// two norms costs nothing on a CPU) and enters as a scalar, so the step is two norms and four in-place passes,
    /// buffer = m buffer + s g + s c w and w -= lr buffer, with no temporary tensor: the tensor form below allocates three
    /// parameter-sized temporaries per parameter, which on a CPU costs more than the arithmetic.
    /// </summary>
    void UpdateInPlace(ParameterGroup group, string name, Parameter parameter, Tensor grad)
    {
        double wd = group.WeightDecay, scale = 1, decay = wd, lr = RateOf(group);
        if (group.Adapt)
        {
            double weightNorm = parameter.norm().ToDouble();
            double gradNorm = grad.norm().ToDouble();
            if (weightNorm > 0 && gradNorm > 0) scale = Clip(Eta * weightNorm / (gradNorm + wd * weightNorm + Eps), lr);
            else decay = 0; // the raw gradient, as solo-learn
        }
        bool first = !HasState(name, "momentum_buffer");
        var buffer = State(name, "momentum_buffer", () => grad.mul(scale));
        if (!first) buffer.mul_(Momentum).add_(grad, alpha: scale);
        if (decay != 0) buffer.add_(parameter, alpha: scale * decay);
        parameter.add_(buffer, alpha: -lr);
    }

    /// <summary>solo-learn's clip_lr: ratio / lr capped at 1 (a zero rate, the warm-up's first step, moves nothing either way).</summary>
    double Clip(double ratio, double lr) => !ClipLr ? ratio : lr > 0 ? Math.Min(ratio / lr, 1) : 1;

    /// <summary>Tensor arithmetic instead of branching on .item(): no host sync per parameter on an accelerator.</summary>
    void UpdateWithTensors(ParameterGroup group, string name, Parameter parameter, Tensor grad)
    {
        double wd = group.WeightDecay, lr = RateOf(group);
        Tensor update;
        if (group.Adapt)
        {
            var weightNorm = parameter.norm();
            var gradNorm = grad.norm();
            var usable = weightNorm.gt(0).logical_and(gradNorm.gt(0));
            var ratio = weightNorm.mul(Eta).div(gradNorm.add(weightNorm.mul(wd)).add(Eps));
            if (ClipLr) ratio = lr > 0 ? ratio.div(lr).clamp_max(1) : ones_like(ratio);
            var scaled = grad.add(parameter, alpha: wd).mul_(ratio);
            update = where(usable, scaled, grad);
        }
        else
        {
            update = wd == 0 ? grad : grad.add(parameter, alpha: wd);
        }
        if (Momentum != 0)
        {
            bool first = !HasState(name, "momentum_buffer");
            var buffer = State(name, "momentum_buffer", () => update.clone());
            if (!first) buffer.mul_(Momentum).add_(update);
            update = Nesterov ? update.add(buffer, alpha: Momentum) : buffer;
        }
        parameter.add_(update, alpha: -lr);
    }
}
