using SslAnomaly.Methods;
using SslAnomaly.Optim;

namespace SslAnomaly.Training;

/// <summary>The optimiser and learning-rate schedule a method's config asks for.</summary>
public static class OptimizerSetup
{
    /// <summary>Base learning rate scaled linearly with the batch size (per 256 images), as solo-learn and MAE do.</summary>
    public static double ScaledLearningRate(MethodConfig config, int batchSize) =>
        config.ScaleLrWithBatch ? config.LearningRate * batchSize / 256.0 : config.LearningRate;

    public static Optimizer Create(SslMethod method, int batchSize)
    {
        var config = method.Config;
        var groups = method.ParameterGroups();
        double lr = ScaledLearningRate(config, batchSize);
        return config.Optimizer switch
        {
            "lars" => new Lars(groups, lr, config.Momentum, config.LarsEta, config.LarsEps, clipLr: config.LarsClipLr),
            // Plain SGD with momentum: LARS without the trust ratio.
            "sgd" => new Lars(groups.Select(g => g with { Adapt = false }).ToList(), lr, config.Momentum),
            "adamw" => new AdamW(groups, lr, config.Beta1, config.Beta2, config.AdamEps),
            _ => throw new UserInputException($"unknown optimizer '{config.Optimizer}' (valid: lars, sgd, adamw)."),
        };
    }

    /// <summary>Warm-up of <see cref="MethodConfig.WarmupEpochs"/> (at most <see cref="MethodConfig.WarmupMaxFraction"/> of the run), then cosine.</summary>
    public static WarmupCosine Schedule(MethodConfig config, int batchSize, int stepsPerEpoch, int epochs)
    {
        long total = (long)stepsPerEpoch * epochs;
        long warmup = (long)Math.Round(Math.Min(config.WarmupEpochs, config.WarmupMaxFraction * epochs) * stepsPerEpoch);
        return new WarmupCosine(ScaledLearningRate(config, batchSize), warmup, total, config.MinLr, config.WarmupStartLr);
    }
}
