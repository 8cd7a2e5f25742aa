using SslAnomaly.Backbones;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Optim;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// The shape SimCLR and Barlow Twins share: both views through one backbone and one MLP projector, a loss between the two
/// projections. A method of this shape says only which loss (<see cref="Loss"/>); the projector is registered as
/// "projector", so checkpoints keep their parameter names.
/// </summary>
public abstract class TwoViewProjectorMethod : SslMethod
{
    readonly Sequential projector;

    protected TwoViewProjectorMethod(string name, Backbone backbone, ProjectorMethodConfig config, OptimizerSettings optimizer) : base(name, backbone, config, optimizer)
    {
        projector = ProjectionMlp.Create(backbone.FeatureDim, config.ProjectorHiddenDim, config.ProjectorOutputDim, config.ProjectorLayers);
        register_module("projector", projector);
    }

    /// <summary>The method's loss between the two views' projections [B, D].</summary>
    protected abstract Tensor Loss(Tensor z1, Tensor z2);

    public sealed override StepOutput TrainingStep(StepInput input)
    {
        RequireViews(input);
        var features = Features(input.Views.Take(2));
        var z1 = projector.call(features[0]);
        var z2 = projector.call(features[1]);
        return new StepOutput(Loss(z1, z2), z1.detach());
    }

    public sealed override Tensor? ProjectorEmbeddings(Tensor features) => projector.call(features);
}
