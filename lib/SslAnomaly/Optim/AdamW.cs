using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019) exactly as torch.optim.AdamW (amsgrad off): decoupled weight decay
/// w -= lr wd w, then the bias-corrected Adam step. Written here rather than taken from TorchSharp so that
/// its state (moments and per-parameter step counts) is ours to checkpoint like LARS's.
/// </summary>
public sealed class AdamW(IReadOnlyList<ParameterGroup> groups, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8) : Optimizer(groups, learningRate)
{
    public double Beta1 { get; } = beta1;
    public double Beta2 { get; } = beta2;
    public double Eps { get; } = eps;

    protected override void Update(ParameterGroup group, string name, Parameter parameter, Tensor grad)
    {
        var stepCount = State(name, "step", () => zeros(1, dtype: ScalarType.Float64));
        var expAvg = State(name, "exp_avg", () => zeros_like(parameter));
        var expAvgSq = State(name, "exp_avg_sq", () => zeros_like(parameter));
        stepCount.add_(1);
        double step = stepCount.item<double>();

        double lr = RateOf(group);
        if (group.WeightDecay != 0) parameter.mul_(1 - lr * group.WeightDecay);
        expAvg.lerp_(grad, 1 - Beta1); // b1 m + (1 - b1) g in one pass, as torch's AdamW
        expAvgSq.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        // One temporary (the square root), scaled and shifted in place.
        var denominator = expAvgSq.sqrt().div_(Math.Sqrt(biasCorrection2)).add_(Eps);
        parameter.addcdiv_(expAvg, denominator, value: -lr / biasCorrection1);
    }
}
