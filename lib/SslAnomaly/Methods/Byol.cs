using SslAnomaly.Backbones;
using SslAnomaly.Losses;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Optim;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// BYOL (Grill et al. 2020): the online network (backbone, projector, predictor) predicts the target network's projection
/// of the other view; the target (backbone + projector) is the online network's EMA.
/// </summary>
public sealed class Byol : MomentumMethod
{
    readonly ByolConfig config;
    readonly Sequential projector, predictor;
    readonly Backbone teacherBackbone;
    readonly Sequential teacherProjector;

    /// <param name="createBackbone">Builds a fresh backbone of the student's architecture for the target network.</param>
    public Byol(Backbone backbone, ByolConfig config, OptimizerSettings optimizer, Func<Backbone> createBackbone) : base(nameof(Byol), backbone, config, optimizer)
    {
        this.config = config;
        projector = NewProjector();
        predictor = ProjectionMlp.Create(config.ProjectorOutputDim, config.PredictorHiddenDim, config.ProjectorOutputDim, 2);
        register_module("projector", projector);
        register_module("predictor", predictor);
        teacherBackbone = AddTeacher("teacher_backbone", backbone, createBackbone());
        teacherProjector = AddTeacher("teacher_projector", projector, NewProjector());
    }

    Sequential NewProjector() =>
        ProjectionMlp.Create(Backbone.FeatureDim, config.ProjectorHiddenDim, config.ProjectorOutputDim, config.ProjectorLayers);

    public override string MethodName => "byol";

    public override IReadOnlyList<ParameterGroup> ParameterGroups() =>
        config.PredictorLrScale == 1 ? base.ParameterGroups() : WithScaledRate(base.ParameterGroups(), "predictor", config.PredictorLrScale);

    public override StepOutput TrainingStep(StepInput input)
    {
        RequireViews(input);
        var views = input.Views.Take(2).ToArray();
        var features = Features(views);
        var z1 = projector.call(features[0]);
        var p1 = predictor.call(z1);
        var p2 = predictor.call(projector.call(features[1]));
        Tensor t1, t2;
        using (no_grad())
        {
            t1 = teacherProjector.call(teacherBackbone.call(views[0]));
            t2 = teacherProjector.call(teacherBackbone.call(views[1]));
        }
        var scalars = new Dictionary<string, double> { ["tau"] = TauSchedule(input.Progress.TotalSteps).At(input.Progress.Step) };
        return new StepOutput(ByolLoss.Compute(p1, p2, t1, t2), z1.detach(), scalars);
    }

    public override Tensor? ProjectorEmbeddings(Tensor features) => projector.call(features);
}
