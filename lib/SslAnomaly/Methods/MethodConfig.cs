using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SslAnomaly.Methods;

/// <summary>
/// Every hyper-parameter of a method and its optimiser, flat so that an experiment config can override any of them by
/// its snake_case key (<see cref="WithOverrides"/>) and every run can record them all (<see cref="ToJson"/>).
/// <see cref="For"/> gives each method's defaults (its <see cref="MethodRegistry"/> entry: solo-learn's CIFAR/ImageNet-100
/// recipes, MAE's, and the official Sewer-ML supervised recipe); fields a method does not use are ignored by it.
/// Learning rates are per 256 images and scaled linearly with the batch size (<see cref="ScaleLrWithBatch"/>).
/// </summary>
public sealed record MethodConfig
{
    // ---- projector / predictor (SimCLR, BYOL, Barlow Twins)
    /// <summary>Width of the projector's hidden layers.</summary>
    public int ProjectorHiddenDim { get; init; } = 2048;
    /// <summary>Width of the projector's output (the embedding the loss sees).</summary>
    public int ProjectorOutputDim { get; init; } = 256;
    /// <summary>Linear layers in the projector (hidden ones followed by BatchNorm + ReLU).</summary>
    public int ProjectorLayers { get; init; } = 2;
    /// <summary>BYOL predictor hidden width (output = <see cref="ProjectorOutputDim"/>).</summary>
    public int PredictorHiddenDim { get; init; } = 4096;

    // ---- SimCLR
    public double Temperature { get; init; } = 0.2;

    // ---- Barlow Twins
    public double BarlowLambda { get; init; } = 0.0051;
    public double BarlowScale { get; init; } = 0.1;

    // ---- teacher / target networks (BYOL, DINO): tau follows a cosine from base to final over the run
    public double EmaBase { get; init; } = 0.99;
    public double EmaFinal { get; init; } = 1.0;

    // ---- DINO
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

    // ---- MAE
    public double MaskRatio { get; init; } = 0.75;
    public int MaeDecoderDim { get; init; } = 256;
    public int MaeDecoderDepth { get; init; } = 4;
    public int MaeDecoderHeads { get; init; } = 8;
    public bool MaeNormPixLoss { get; init; } = true;

    // ---- supervised
    /// <summary>BCE positive weight; null: (1 - p) / p from the training set's defect share p.</summary>
    public double? PosWeight { get; init; }

    // ---- optimiser and schedule
    /// <summary>"lars", "sgd" (LARS without adaptation) or "adamw".</summary>
    public string Optimizer { get; init; } = "lars";
    /// <summary>Base learning rate per 256 images.</summary>
    public double LearningRate { get; init; } = 0.3;
    public bool ScaleLrWithBatch { get; init; } = true;
    public double WeightDecay { get; init; } = 1e-5;
    /// <summary>Biases and norm parameters (1-d tensors) get neither weight decay nor LARS adaptation.</summary>
    public bool ExcludeBiasAndNorm { get; init; } = true;
    public double Momentum { get; init; } = 0.9;
    public double LarsEta { get; init; } = 0.02;
    public double LarsEps { get; init; } = 1e-8;
    /// <summary>
    /// Cap each layer's trust ratio at the scheduled rate (solo-learn's clip_lr, set in all its LARS recipes): a layer
    /// steps by min(ratio, lr) instead of lr x ratio, up to 1/lr times further: at batch 64 that is 4x for BYOL (scaled
    /// rate 0.25), 10x for SimCLR (0.1) and 13x for Barlow Twins (0.075).
    /// </summary>
    public bool LarsClipLr { get; init; } = true;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double AdamEps { get; init; } = 1e-8;
    /// <summary>Linear warm-up length in epochs, capped at <see cref="WarmupMaxFraction"/> of the run for short runs.</summary>
    public double WarmupEpochs { get; init; } = 10;
    public double WarmupMaxFraction { get; init; } = 0.1;
    public double WarmupStartLr { get; init; }
    public double MinLr { get; init; }
    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public double GradClipNorm { get; init; }

    /// <summary>Defaults of a method, from its <see cref="MethodRegistry"/> entry.</summary>
    public static MethodConfig For(string method) => MethodRegistry.Get(method).Defaults();

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    /// <summary>All values by snake_case key, as recorded in a run's config.json.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    public static MethodConfig FromJson(JsonObject json) => Parse(json, "config");

    /// <summary>
    /// A copy with the given keys replaced (snake_case as in <see cref="ToJson"/>; values as JSON). Unknown keys or values of
    /// the wrong type are a <see cref="UserInputException"/> naming the key and listing the valid ones.
    /// </summary>
    public MethodConfig WithOverrides(IEnumerable<KeyValuePair<string, JsonNode?>> overrides)
    {
        var json = ToJson();
        foreach (var (key, value) in overrides)
        {
            if (!json.ContainsKey(key))
                throw new UserInputException($"unknown method setting '{key}' (valid: {string.Join(", ", json.Select(p => p.Key))}).");
            json[key] = value?.DeepClone();
        }
        return Parse(json, "override");
    }

    static MethodConfig Parse(JsonObject json, string what)
    {
        try
        {
            var config = json.Deserialize<MethodConfig>(Json) ?? throw new UserInputException($"method {what} is empty");
            config.Validate();
            return config;
        }
        catch (JsonException e)
        {
            throw new UserInputException($"method {what}: {e.Path?.TrimStart('$', '.')} has a value of the wrong type ({e.Message})", e);
        }
    }

    /// <summary>Rejects values no method can train with.</summary>
    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new UserInputException($"method setting {message}");
        }
        Require(ProjectorHiddenDim > 0 && ProjectorOutputDim > 0 && PredictorHiddenDim > 0, "projector/predictor widths must be positive");
        Require(ProjectorLayers >= 1 && DinoHeadLayers >= 1, "projector_layers and dino_head_layers must be at least 1");
        Require(Temperature > 0 && DinoStudentTemperature > 0 && DinoTeacherTemperature > 0 && DinoWarmupTeacherTemperature > 0, "temperatures must be positive");
        Require(EmaBase is >= 0 and <= 1 && EmaFinal is >= 0 and <= 1, "ema_base/ema_final must lie in [0, 1]");
        Require(DinoCenterMomentum is >= 0 and <= 1, "dino_center_momentum must lie in [0, 1]");
        Require(MaskRatio is > 0 and < 1, $"mask_ratio must lie in (0, 1), got {MaskRatio}");
        Require(MaeDecoderDim % MaeDecoderHeads == 0 && MaeDecoderDim % 4 == 0, "mae_decoder_dim must be divisible by mae_decoder_heads and by 4 (2-D sin-cos positions)");
        Require(PosWeight is null or > 0, "pos_weight must be positive");
        Require(Optimizer is "lars" or "sgd" or "adamw", $"optimizer must be lars, sgd or adamw, not '{Optimizer}'");
        Require(LearningRate > 0 && WeightDecay >= 0 && WarmupEpochs >= 0 && WarmupMaxFraction is >= 0 and <= 1, "learning rate must be positive, weight decay and warm-up non-negative");
        Require(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, "AdamW betas must lie in [0, 1)");
        Require(GradClipNorm >= 0, "grad_clip_norm must be non-negative");
    }
}
