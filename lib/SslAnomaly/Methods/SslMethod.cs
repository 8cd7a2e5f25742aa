using SslAnomaly.Backbones;
using SslAnomaly.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// A training method: a backbone plus its heads, one training step, the parameter groups its optimiser sees and hooks
/// around the optimiser step. The backbone is registered as "backbone", so every state-dict key of the trunk starts with
/// "backbone.". <see cref="TrainingStep"/> runs inside the trainer's per-step dispose scope, which frees its tensors.
/// </summary>
public abstract class SslMethod : nn.Module
{
    /// <param name="config">The method's own settings, validated here (a subclass keeps its record typed in a field of its own).</param>
    protected SslMethod(string name, Backbone backbone, MethodConfig config, OptimizerSettings optimizer) : base(name)
    {
        config.Validate();
        optimizer.Validate();
        Backbone = backbone;
        Config = config;
        Optimizer = optimizer;
        register_module("backbone", backbone);
    }

    public Backbone Backbone { get; }

    /// <summary>The method's hyper-parameters, of its own record type (config.json's "method" section).</summary>
    public MethodConfig Config { get; }

    /// <summary>The optimiser and schedule the trainer builds for this method (<see cref="Training.OptimizerSetup"/>).</summary>
    public OptimizerSettings Optimizer { get; }

    /// <summary>Name as in <see cref="MethodFactory.Names"/>.</summary>
    public abstract string MethodName { get; }

    /// <summary>Views per image a step needs (SimCLR/BYOL/Barlow/DINO 2 global crops; MAE and supervised 1).</summary>
    public virtual int ViewCount => 2;

    /// <summary>Computes the loss of one batch (modules are in training mode).</summary>
    public abstract StepOutput TrainingStep(StepInput input);

    /// <summary>Projector embeddings of backbone features, for monitoring (null for methods without a projector).</summary>
    public virtual Tensor? ProjectorEmbeddings(Tensor features) => null;

    /// <summary>Called between backward and the optimiser step (DINO drops the prototype layer's gradient early on).</summary>
    public virtual void OnAfterBackward(TrainingProgress progress) { }

    /// <summary>Called after the optimiser step (teacher EMA updates).</summary>
    public virtual void OnAfterOptimizerStep(TrainingProgress progress) { }

    /// <summary>Trainable parameters (requires_grad), with their qualified names.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();

    /// <summary>
    /// The optimiser's groups. With <see cref="OptimizerSettings.ExcludeBiasAndNorm"/> (solo-learn's exclude_bias_n_norm),
    /// 1-d tensors (biases, BatchNorm/LayerNorm weights) go to a group without weight decay or LARS adaptation.
    /// </summary>
    public virtual IReadOnlyList<ParameterGroup> ParameterGroups()
    {
        var trainable = TrainableParameters();
        if (!Optimizer.ExcludeBiasAndNorm)
            return [new ParameterGroup("all", trainable, Optimizer.WeightDecay, Adapt: true)];
        return
        [
            new ParameterGroup("decay", trainable.Where(p => p.Parameter.dim() > 1).ToList(), Optimizer.WeightDecay, Adapt: true),
            new ParameterGroup("no_decay", trainable.Where(p => p.Parameter.dim() <= 1).ToList(), 0, Adapt: false),
        ];
    }

    /// <summary>
    /// <paramref name="groups"/> with the parameters whose names start with <paramref name="prefix"/> moved to groups of
    /// their own (named "group/prefix") at <paramref name="learningRateScale"/> times the scheduled rate.
    /// </summary>
    protected static IReadOnlyList<ParameterGroup> WithScaledRate(IReadOnlyList<ParameterGroup> groups, string prefix, double learningRateScale)
    {
        bool Moved((string Name, Parameter Parameter) p) => p.Name.StartsWith(prefix + ".", StringComparison.Ordinal);
        var rest = groups.Select(g => g with { Parameters = g.Parameters.Where(p => !Moved(p)).ToList() });
        var moved = groups.Select(g => g with { Name = $"{g.Name}/{prefix}", Parameters = g.Parameters.Where(Moved).ToList(), LearningRateScale = learningRateScale });
        return [.. rest.Concat(moved).Where(g => g.Parameters.Count > 0)];
    }

    /// <summary>Backbone features of each view, computed view by view so that BatchNorm sees per-view statistics (as solo-learn).</summary>
    protected Tensor[] Features(IEnumerable<Tensor> views) => views.Select(v => Backbone.call(v)).ToArray();

    protected void RequireViews(StepInput input)
    {
        if (input.Views.Count < ViewCount)
            throw new ArgumentException($"{MethodName} needs {ViewCount} views per image, the view recipe gave {input.Views.Count}");
    }
}
