using TorchSharp;
using TorchSharp.Modules;
using SslAnomaly.Util;
using static TorchSharp.torch;

namespace SslAnomaly.Methods.Heads;

/// <summary>
/// DINO's projection head (solo-learn/official <c>DINOHead</c>): an MLP (Linear [+BN] GELU ... Linear) down to a bottleneck,
/// L2-normalisation, then a weight-normalised bias-free prototype layer. MLP linears start truncated-normal (std 0.02)
/// with zero bias.
/// </summary>
public sealed class DinoHead : nn.Module<Tensor, Tensor>
{
    readonly Sequential mlp;
    readonly WeightNormLinear last_layer;

    public DinoHead(int inputDim, int hiddenDim, int bottleneckDim, int prototypes, int layers, bool batchNorm, bool normLastLayer)
        : base(nameof(DinoHead))
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        void Add(nn.Module<Tensor, Tensor> m) => modules.Add(($"{modules.Count}", m));
        if (layers == 1) Add(nn.Linear(inputDim, bottleneckDim));
        else
        {
            int width = inputDim;
            for (int i = 0; i < layers - 1; i++)
            {
                Add(nn.Linear(width, hiddenDim));
                if (batchNorm) Add(nn.BatchNorm1d(hiddenDim));
                Add(nn.GELU());
                width = hiddenDim;
            }
            Add(nn.Linear(width, bottleneckDim));
        }
        mlp = nn.Sequential(modules.ToArray());
        using (no_grad())
            foreach (var module in mlp.modules().OfType<Linear>())
            {
                TruncatedNormal.Fill(module.weight!, std: 0.02);
                nn.init.zeros_(module.bias!);
            }
        last_layer = new WeightNormLinear(bottleneckDim, prototypes, fixMagnitude: normLastLayer);
        RegisterComponents();
    }

    public WeightNormLinear PrototypeLayer => last_layer;

    /// <summary>The MLP output before normalisation [B, bottleneck]: the "projector embedding" that monitoring reads.</summary>
    public Tensor Bottleneck(Tensor features) => mlp.call(features);

    /// <summary>Prototype scores [B, prototypes].</summary>
    public override Tensor forward(Tensor features) => Project(features).Logits;

    /// <summary>The bottleneck [B, bottleneck] and the prototype scores [B, prototypes] from one pass through the MLP.</summary>
    public (Tensor Bottleneck, Tensor Logits) Project(Tensor features)
    {
        var bottleneck = mlp.call(features);
        using var scope = NewDisposeScope();
        var x = nn.functional.normalize(bottleneck, p: 2, dim: -1);
        return (bottleneck, last_layer.call(x).MoveToOuterDisposeScope());
    }
}
