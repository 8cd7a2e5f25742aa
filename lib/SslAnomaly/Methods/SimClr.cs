using SslAnomaly.Backbones;
using SslAnomaly.Losses;
using SslAnomaly.Optim;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>SimCLR (Chen et al. 2020): two views, an MLP projector, NT-Xent between the views' projections.</summary>
public sealed class SimClr(Backbone backbone, SimClrConfig config, OptimizerSettings optimizer)
    : TwoViewProjectorMethod(nameof(SimClr), backbone, config, optimizer)
{
    public override string MethodName => "simclr";

    protected override Tensor Loss(Tensor z1, Tensor z2) => NtXentLoss.Compute(z1, z2, config.Temperature);
}
