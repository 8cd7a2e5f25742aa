using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods.Heads;

/// <summary>
/// A bias-free linear layer under weight normalisation (Salimans and Kingma 2016), as torch.nn.utils.weight_norm(dim=0)
/// builds it: weight = g * v / ||v|| per output row, with parameters <c>weight_g</c> [out, 1] and <c>weight_v</c> [out, in].
/// DINO fixes g = 1 (no gradient), so each prototype is a unit vector and the output is a cosine similarity.
/// </summary>
public sealed class WeightNormLinear : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight_g;
    readonly Parameter weight_v;

    public WeightNormLinear(int inputDim, int outputDim, bool fixMagnitude) : base(nameof(WeightNormLinear))
    {
        // v starts as nn.Linear's default weight (Kaiming-uniform, a = sqrt(5)), g at 1 as DINO sets it.
        using var init = nn.Linear(inputDim, outputDim, hasBias: false);
        weight_v = new Parameter(init.weight!.detach().clone());
        weight_g = new Parameter(ones(outputDim, 1), requires_grad: !fixMagnitude);
        RegisterComponents();
    }

    public Parameter Magnitude => weight_g;
    public Parameter Direction => weight_v;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var weight = weight_v.mul(weight_g.div(weight_v.norm(1, keepdim: true)));
        return nn.functional.linear(x, weight).MoveToOuterDisposeScope();
    }
}
