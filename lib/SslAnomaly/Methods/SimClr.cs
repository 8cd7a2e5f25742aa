using SslAnomaly.Backbones;
using SslAnomaly.Losses;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Optim;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>SimCLR (Chen et al. 2020): two views, an MLP projector, NT-Xent between the views' projections.</summary>
public sealed class SimClr : SslMethod
{
    readonly SimClrConfig config;
    readonly Sequential projector;

    public SimClr(Backbone backbone, SimClrConfig config, OptimizerSettings optimizer) : base(nameof(SimClr), backbone, config, optimizer)
    {
        this.config = config;
        projector = ProjectionMlp.Create(backbone.FeatureDim, config.ProjectorHiddenDim, config.ProjectorOutputDim, config.ProjectorLayers);
        register_module("projector", projector);
    }

    public override string MethodName => "simclr";

    public override StepOutput TrainingStep(StepInput input)
    {
        RequireViews(input);
        var features = Features(input.Views.Take(2));
        var z1 = projector.call(features[0]);
        var z2 = projector.call(features[1]);
        return new StepOutput(NtXentLoss.Compute(z1, z2, config.Temperature), z1.detach());
    }

    public override Tensor? ProjectorEmbeddings(Tensor features) => projector.call(features);
}
