using System.Text.Json.Nodes;
using SslAnomaly.Util;

namespace SslAnomaly.Optim;

/// <summary>
/// The optimiser and its learning-rate schedule: the "optimizer" section of config.json, one record for every method.
/// Each method's default is in its <c>MethodRegistry</c> entry (LARS for the joint-embedding methods, AdamW for MAE,
/// SGD for the supervised baseline); the property defaults are solo-learn's LARS recipe, which those entries start from.
/// Learning rates are per 256 images and scaled linearly with the batch size (<see cref="ScaleLrWithBatch"/>).
/// </summary>
public sealed record OptimizerSettings
{
    public static readonly IReadOnlyList<string> Kinds = ["lars", "sgd", "adamw"];

    /// <summary>"lars", "sgd" (LARS without adaptation) or "adamw".</summary>
    public string Kind { get; init; } = "lars";
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

    /// <summary>Base learning rate scaled linearly with the batch size (per 256 images), as solo-learn and MAE do.</summary>
    public double ScaledLearningRate(int batchSize) => ScaleLrWithBatch ? LearningRate * batchSize / 256.0 : LearningRate;

    /// <summary>All values by snake_case key, as config.json records them.</summary>
    public JsonObject ToJson() => SettingsJson.ToJson(this);

    public OptimizerSettings WithOverrides(IEnumerable<KeyValuePair<string, JsonNode?>> overrides) =>
        SettingsJson.WithOverrides(this, overrides, "optimizer", "optimizer");

    /// <summary>Rejects values no optimiser can train with, naming the key.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new UserInputException(message);
        }
        Require(Kinds.Contains(Kind), $"optimizer.kind must be {string.Join(", ", Kinds)}, not '{Kind}'.");
        Require(LearningRate > 0, $"optimizer.learning_rate must be positive, not {LearningRate}.");
        Require(WeightDecay >= 0, $"optimizer.weight_decay must be non-negative, not {WeightDecay}.");
        Require(WarmupEpochs >= 0 && WarmupMaxFraction is >= 0 and <= 1, "optimizer.warmup_epochs must be non-negative and optimizer.warmup_max_fraction lie in [0, 1].");
        Require(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, "optimizer.beta1 and optimizer.beta2 must lie in [0, 1).");
        Require(GradClipNorm >= 0, $"optimizer.grad_clip_norm must be non-negative (0 disables clipping), not {GradClipNorm}.");
    }
}
