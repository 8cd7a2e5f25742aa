using SslAnomaly.Backbones;
using SslAnomaly.Losses;
using SslAnomaly.Optim;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>Barlow Twins (Zbontar et al. 2021): two views, a wide MLP projector, cross-correlation pushed to the identity.</summary>
public sealed class BarlowTwins(Backbone backbone, BarlowTwinsConfig config, OptimizerSettings optimizer)
    : TwoViewProjectorMethod(nameof(BarlowTwins), backbone, config, optimizer)
{
    public override string MethodName => "barlow";

    protected override Tensor Loss(Tensor z1, Tensor z2) => BarlowTwinsLoss.Compute(z1, z2, config.BarlowLambda, config.BarlowScale);
}
