using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SslAnomaly.Util;

namespace SslAnomaly.Methods;

/// <summary>
/// The hyper-parameters of one method: the "method" section of config.json (<c>{"name": "byol", ...}</c>), one record per
/// method holding only what that method uses. A record's property defaults are its method's defaults (solo-learn's
/// CIFAR/ImageNet-100 recipes, MAE's, the official Sewer-ML supervised recipe; docs/architecture.md, "Method defaults"),
/// so <c>new ByolConfig()</c> is BYOL as published. The optimiser is not here: <see cref="Optim.OptimizerSettings"/>.
/// </summary>
public abstract record MethodConfig
{
    /// <summary>The method these settings belong to (its <see cref="MethodRegistry"/> entry names the record type).</summary>
    [JsonIgnore]
    public string Name => MethodRegistry.Of(this).Name;

    /// <summary>All values by snake_case key, without the name (config.json's "method" section adds it).</summary>
    public JsonObject ToJson() => SettingsJson.ToJson(this);

    /// <summary>
    /// A copy with the given keys replaced (snake_case as in <see cref="ToJson"/>; values as JSON). A key this method does
    /// not have, or a value of the wrong type, is a <see cref="UserInputException"/> naming the key and the method.
    /// </summary>
    public MethodConfig WithOverrides(IEnumerable<KeyValuePair<string, JsonNode?>> overrides) =>
        SettingsJson.WithOverrides(this, overrides, "method", $"method {Name}");

    /// <summary>The settings of <paramref name="method"/> from its keys (no name); absent keys keep the method's defaults.</summary>
    public static MethodConfig FromJson(MethodSpec method, JsonObject json) =>
        (MethodConfig)SettingsJson.Parse(json, method.Defaults.GetType(), "method");

    /// <summary>Rejects values the method cannot train with, naming the key.</summary>
    public virtual void Validate() { }

    protected static void Require(bool ok, string message)
    {
        if (!ok) throw new UserInputException(message);
    }
}

/// <summary>A teacher network that follows the student by EMA, tau on a cosine from <see cref="EmaBase"/> to <see cref="EmaFinal"/> over the run.</summary>
public interface IEmaTeacherConfig
{
    double EmaBase { get; }
    double EmaFinal { get; }
}

/// <summary>
/// The MLP projector of the joint-embedding methods (hidden layers followed by BatchNorm + ReLU). Its keys come first in
/// config.json (JSON would otherwise write a derived record's own keys before its base's).
/// </summary>
public abstract record ProjectorMethodConfig : MethodConfig
{
    /// <summary>Width of the projector's hidden layers.</summary>
    [JsonPropertyOrder(-1)]
    public int ProjectorHiddenDim { get; init; } = 2048;
    /// <summary>Width of the projector's output (the embedding the loss sees).</summary>
    [JsonPropertyOrder(-1)]
    public int ProjectorOutputDim { get; init; } = 256;
    /// <summary>Linear layers in the projector.</summary>
    [JsonPropertyOrder(-1)]
    public int ProjectorLayers { get; init; } = 2;

    public override void Validate()
    {
        Require(ProjectorHiddenDim > 0 && ProjectorOutputDim > 0, "method.projector_hidden_dim and method.projector_output_dim must be positive.");
        Require(ProjectorLayers >= 1, $"method.projector_layers must be at least 1, not {ProjectorLayers}.");
    }
}

/// <summary>SimCLR (solo-learn simclr): 2048-2048-256 projector, NT-Xent at temperature 0.2.</summary>
public sealed record SimClrConfig : ProjectorMethodConfig
{
    public SimClrConfig() => ProjectorLayers = 3;

    public double Temperature { get; init; } = 0.2;

    public override void Validate()
    {
        base.Validate();
        Require(Temperature > 0, $"method.temperature must be positive, not {Temperature}.");
    }
}

/// <summary>BYOL (solo-learn byol): 4096-256 projector and predictor, EMA teacher tau 0.99 -> 1.</summary>
public sealed record ByolConfig : ProjectorMethodConfig, IEmaTeacherConfig
{
    public ByolConfig() => ProjectorHiddenDim = 4096;

    /// <summary>Predictor hidden width (its output is <see cref="ProjectorMethodConfig.ProjectorOutputDim"/>).</summary>
    public int PredictorHiddenDim { get; init; } = 4096;
    public double EmaBase { get; init; } = 0.99;
    public double EmaFinal { get; init; } = 1.0;
    /// <summary>
    /// The predictor's learning rate as a multiple of the rest's. BYOL as published: 1. A faster predictor is the remedy
    /// for collapse in Tian et al. 2021 (DirectPred) and SimSiam's fixed predictor rate.
    /// </summary>
    public double PredictorLrScale { get; init; } = 1.0;

    public override void Validate()
    {
        base.Validate();
        Require(PredictorLrScale > 0, $"method.predictor_lr_scale must be positive, not {PredictorLrScale}.");
        Require(PredictorHiddenDim > 0, $"method.predictor_hidden_dim must be positive, not {PredictorHiddenDim}.");
        Require(EmaBase is >= 0 and <= 1 && EmaFinal is >= 0 and <= 1, "method.ema_base and method.ema_final must lie in [0, 1].");
    }
}

/// <summary>Barlow Twins (solo-learn barlow_twins): 3 x 2048 projector, lambda 0.0051, loss scale 0.1.</summary>
public sealed record BarlowTwinsConfig : ProjectorMethodConfig
{
    public BarlowTwinsConfig()
    {
        ProjectorLayers = 3;
        ProjectorOutputDim = 2048;
    }

    /// <summary>Weight of the off-diagonal (redundancy) terms.</summary>
    public double BarlowLambda { get; init; } = 0.0051;
    public double BarlowScale { get; init; } = 0.1;
}

/// <summary>DINO: 2048/256/4096 head, student T 0.1, teacher T 0.04 -> 0.07, centre momentum 0.9, EMA teacher tau 0.996 -> 1.</summary>
public sealed record DinoConfig : MethodConfig, IEmaTeacherConfig
{
    public int DinoHiddenDim { get; init; } = 2048;
    public int DinoBottleneckDim { get; init; } = 256;
    public int DinoPrototypes { get; init; } = 4096;
    public int DinoHeadLayers { get; init; } = 3;
    public bool DinoHeadBatchNorm { get; init; }
    /// <summary>Keep the prototype layer's weight-norm magnitude fixed at 1 (DINO's norm_last_layer).</summary>
    public bool DinoNormLastLayer { get; init; } = true;
    /// <summary>Epochs during which the prototype layer gets no update (DINO's freeze_last_layer).</summary>
    public int DinoFreezeLastLayerEpochs { get; init; } = 1;
    public double DinoStudentTemperature { get; init; } = 0.1;
    public double DinoTeacherTemperature { get; init; } = 0.07;
    public double DinoWarmupTeacherTemperature { get; init; } = 0.04;
    /// <summary>Epochs of linear teacher-temperature warm-up, capped at <see cref="DinoTeacherWarmupMaxFraction"/> of the run.</summary>
    public double DinoTeacherWarmupEpochs { get; init; } = 30;
    public double DinoTeacherWarmupMaxFraction { get; init; } = 0.3;
    public double DinoCenterMomentum { get; init; } = 0.9;
    public double EmaBase { get; init; } = 0.996;
    public double EmaFinal { get; init; } = 1.0;

    public override void Validate()
    {
        Require(DinoHiddenDim > 0 && DinoBottleneckDim > 0 && DinoPrototypes > 0, "method.dino_hidden_dim, method.dino_bottleneck_dim and method.dino_prototypes must be positive.");
        Require(DinoHeadLayers >= 1, $"method.dino_head_layers must be at least 1, not {DinoHeadLayers}.");
        Require(DinoStudentTemperature > 0 && DinoTeacherTemperature > 0 && DinoWarmupTeacherTemperature > 0, "DINO's temperatures (method.dino_*_temperature) must be positive.");
        Require(DinoCenterMomentum is >= 0 and <= 1, $"method.dino_center_momentum must lie in [0, 1], not {DinoCenterMomentum}.");
        Require(EmaBase is >= 0 and <= 1 && EmaFinal is >= 0 and <= 1, "method.ema_base and method.ema_final must lie in [0, 1].");
    }
}

/// <summary>MAE: 75 % of the patches masked, normalised-pixel loss; the decoder sized down from MAE's 512 x 8 for small images.</summary>
public sealed record MaeConfig : MethodConfig
{
    public double MaskRatio { get; init; } = 0.75;
    public int MaeDecoderDim { get; init; } = 256;
    public int MaeDecoderDepth { get; init; } = 4;
    public int MaeDecoderHeads { get; init; } = 8;
    public bool MaeNormPixLoss { get; init; } = true;

    public override void Validate()
    {
        Require(MaskRatio is > 0 and < 1, $"method.mask_ratio must lie in (0, 1), not {MaskRatio}.");
        Require(MaeDecoderDepth >= 1 && MaeDecoderHeads >= 1, "method.mae_decoder_depth and method.mae_decoder_heads must be at least 1.");
        Require(MaeDecoderDim > 0 && MaeDecoderDim % MaeDecoderHeads == 0 && MaeDecoderDim % 4 == 0,
            "method.mae_decoder_dim must be divisible by method.mae_decoder_heads and by 4 (2-D sin-cos positions).");
    }
}

/// <summary>The supervised baseline: one linear defect logit under class-weighted BCE.</summary>
public sealed record SupervisedConfig : MethodConfig
{
    /// <summary>BCE positive weight; null: (1 - p) / p from the share p of defects in its batches.</summary>
    public double? PosWeight { get; init; }
    /// <summary>
    /// Batches drawn half defective, half normal (so an unweighted BCE), instead of the subset's own share with a
    /// class-weighted BCE. Both weigh the classes equally on average; balanced batches do it without a weight of
    /// (1 - p) / p on the one or two defects a batch of 32 holds at 5 %, whose gradient noise kept the supervised ceiling
    /// from learning (docs/profiles.md). The subset, and so the defects the model sees, is unchanged. Only the supervised
    /// baseline has it: self-supervised methods must see their subset's imbalance, the variable the study measures.
    /// </summary>
    public bool ClassBalancedBatches { get; init; }

    /// <summary>Defect share of this method's training batches, from the subset's share.</summary>
    public double BatchDefectShare(double subsetDefectShare) => ClassBalancedBatches ? 0.5 : subsetDefectShare;

    public override void Validate() => Require(PosWeight is null or > 0, $"method.pos_weight must be positive (or null for (1 - p) / p), not {PosWeight}.");
}

/// <summary>The random-init floor trains nothing, so it has no hyper-parameters.</summary>
public sealed record RandomInitConfig : MethodConfig;

/// <summary>
/// config.json's "method" section: <c>{"name": "byol", "projector_hidden_dim": 4096, ...}</c>. The name picks the
/// record (<see cref="MethodRegistry"/>); the other keys are that record's, so a key the method does not have is refused.
/// </summary>
public sealed class MethodSectionJsonConverter : JsonConverter<MethodConfig>
{
    public const string NameKey = "name";

    public override MethodConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (JsonNode.Parse(ref reader) is not JsonObject section)
            throw new UserInputException($"method must be a mapping of the method's name and settings, e.g. {{\"name\": \"byol\", \"ema_base\": 0.99}}.");
        if (section[NameKey] is not JsonValue value || !value.TryGetValue<string>(out var name))
            throw new UserInputException($"method.name must name the method ({MethodRegistry.OptionHelp}).");
        var spec = MethodRegistry.Get(name);
        section.Remove(NameKey);
        return MethodConfig.FromJson(spec, section);
    }

    public override void Write(Utf8JsonWriter writer, MethodConfig value, JsonSerializerOptions options)
    {
        var section = new JsonObject { [NameKey] = value.Name };
        foreach (var (key, setting) in value.ToJson()) section[key] = setting?.DeepClone();
        section.WriteTo(writer, options);
    }
}
