using SslAnomaly.Methods;
using SslAnomaly.Optim;

namespace SslAnomaly.Training;

/// <summary>The optimiser and learning-rate schedule a method's <see cref="OptimizerSettings"/> ask for.</summary>
public static class OptimizerSetup
{
    public static Optimizer Create(SslMethod method, int batchSize)
    {
        var settings = method.Optimizer;
        var groups = method.ParameterGroups();
        double lr = settings.ScaledLearningRate(batchSize);
        return settings.Kind switch
        {
            "lars" => new Lars(groups, lr, settings.Momentum, settings.LarsEta, settings.LarsEps, clipLr: settings.LarsClipLr),
            // Plain SGD with momentum: LARS without the trust ratio.
            "sgd" => new Lars(groups.Select(g => g with { Adapt = false }).ToList(), lr, settings.Momentum),
            "adamw" => new AdamW(groups, lr, settings.Beta1, settings.Beta2, settings.AdamEps),
            _ => throw new UserInputException($"unknown optimizer.kind '{settings.Kind}' (valid: {string.Join(", ", OptimizerSettings.Kinds)})."),
        };
    }

    /// <summary>Warm-up of <see cref="OptimizerSettings.WarmupEpochs"/> (at most <see cref="OptimizerSettings.WarmupMaxFraction"/> of the run), then cosine.</summary>
    public static WarmupCosine Schedule(OptimizerSettings settings, int batchSize, int stepsPerEpoch, int epochs)
    {
        long total = (long)stepsPerEpoch * epochs;
        long warmup = (long)Math.Round(Math.Min(settings.WarmupEpochs, settings.WarmupMaxFraction * epochs) * stepsPerEpoch);
        return new WarmupCosine(settings.ScaledLearningRate(batchSize), warmup, total, settings.MinLr, settings.WarmupStartLr);
    }
}
