using SslAnomaly.Augment;
using SslAnomaly.Backbones;
using SslAnomaly.Optim;

namespace SslAnomaly.Methods;

/// <summary>What a method's factory is given to build the method.</summary>
/// <param name="TrainDefectShare">Defect share of the training set (supervised: BCE positive weight).</param>
/// <param name="CreateBackbone">Builds teacher backbones (BYOL, DINO).</param>
/// <param name="Config">The method's own settings, of the record type its <see cref="MethodSpec.Defaults"/> has.</param>
public sealed record MethodContext(Backbone Backbone, MethodConfig Config, OptimizerSettings Optimizer, double? TrainDefectShare, Func<Backbone> CreateBackbone);

/// <summary>
/// Everything that names one method: the one place a method's identity lives (see <see cref="MethodRegistry"/>).
/// Validation, CLI help, the sweep's filters, the view recipe and the report's names all read it.
/// </summary>
/// <param name="Name">The spelling in configs, on the command line and in result.json.</param>
/// <param name="PaperName">The row label in the paper's tables (reference/*.csv), or null when the paper has no such row.</param>
/// <param name="Kind">Self-supervised, the supervised ceiling or the floor: findings, notebooks and analyses select by it, not by name.</param>
/// <param name="Summary">One line of help: what the method learns from.</param>
/// <param name="Defaults">The method's default hyper-parameters (its record's property defaults, the published ones); their
/// record type is the method's config type. What a run uses on each profile, optimiser included, is the method's recipe
/// (Experiments/Recipes/).</param>
/// <param name="Create">Builds the method on a backbone. Every method has one, the random-init floor too: its run trains zero
/// epochs, so its <see cref="SslMethod.TrainingStep"/> is never called.</param>
/// <param name="Views">The views one image gives a training step, from the experiment's base pipeline and resolution.</param>
/// <param name="Backbones">The backbones it can train; null: every backbone in <see cref="BackboneConfig.Names"/>.</param>
/// <param name="BackboneKind">With <see cref="Backbones"/>: the kind of network it needs, in words.</param>
/// <param name="BackboneReason">With <see cref="Backbones"/>: why the others cannot be used.</param>
/// <param name="MultiCrop">Whether extra local crops (multi-crop) may be added to its views.</param>
public sealed record MethodSpec(
    string Name,
    string? PaperName,
    MethodKind Kind,
    string Summary,
    MethodConfig Defaults,
    Func<MethodContext, SslMethod> Create,
    Func<AugmentationPipeline, int, IReadOnlyList<ViewSpec>> Views,
    IReadOnlyList<string>? Backbones = null,
    string? BackboneKind = null,
    string? BackboneReason = null,
    bool MultiCrop = false)
{
    /// <summary>The record of the method's settings (config.json's "method" section).</summary>
    public Type ConfigType => Defaults.GetType();

    public IReadOnlyList<string> AcceptedBackbones => Backbones ?? BackboneConfig.Names;

    /// <summary>Any backbone when <see cref="Backbones"/> is null (unknown names are the backbone check's to refuse).</summary>
    public bool Accepts(string backbone) => Backbones is null || Backbones.Contains(backbone);

    /// <summary>The one message for a backbone this method cannot train, whether it came from a config or as a built network.</summary>
    public string BackboneError(string backbone)
    {
        var accepted = string.Join(" or ", AcceptedBackbones);
        return $"{Name} needs a {BackboneKind ?? "supported"} backbone ({accepted}), not '{backbone}': {BackboneReason ?? "it is not supported."} " +
            $"So {Name} needs --backbone {accepted}.";
    }

    /// <summary>Throws <see cref="BackboneError"/> unless <see cref="Accepts"/>.</summary>
    public void RequireBackbone(string backbone)
    {
        if (!Accepts(backbone)) throw new UserInputException(BackboneError(backbone));
    }
}
