using SslAnomaly.Backbones;
using SslAnomaly.Losses;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Optim;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>Barlow Twins (Zbontar et al. 2021): two views, a wide MLP projector, cross-correlation pushed to the identity.</summary>
public sealed class BarlowTwins : SslMethod
{
    readonly BarlowTwinsConfig config;
    readonly Sequential projector;

    public BarlowTwins(Backbone backbone, BarlowTwinsConfig config, OptimizerSettings optimizer) : base(nameof(BarlowTwins), backbone, config, optimizer)
    {
        this.config = config;
        projector = ProjectionMlp.Create(backbone.FeatureDim, config.ProjectorHiddenDim, config.ProjectorOutputDim, config.ProjectorLayers);
        register_module("projector", projector);
    }

    public override string MethodName => "barlow";

    public override StepOutput TrainingStep(StepInput input)
    {
        RequireViews(input);
        var features = Features(input.Views.Take(2));
        var z1 = projector.call(features[0]);
        var z2 = projector.call(features[1]);
        return new StepOutput(BarlowTwinsLoss.Compute(z1, z2, config.BarlowLambda, config.BarlowScale), z1.detach());
    }

    public override Tensor? ProjectorEmbeddings(Tensor features) => projector.call(features);
}
