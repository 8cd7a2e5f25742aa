using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>
/// BYOL on each profile: an online predictor regresses an EMA teacher's projection of the other view (asymmetric blur and
/// solarisation, <see cref="ViewRecipe.AsymmetricPair"/>).
/// </summary>
public static class ByolRecipe
{
    /// <summary>solo-learn's byol: projector 4096-256, predictor 4096-256, EMA teacher tau 0.99 -> 1 (cosine), LARS lr 1.0, wd 1e-5.</summary>
    public static readonly MethodRecipe Published = new(
        new ByolConfig
        {
            ProjectorHiddenDim = 4096, ProjectorOutputDim = 256, ProjectorLayers = 2, PredictorHiddenDim = 4096,
            EmaBase = 0.99, EmaFinal = 1.0, PredictorLrScale = 1.0,
        },
        MethodRecipe.SoloLearnLars(learningRate: 1.0, weightDecay: 1e-5));

    /// <summary>Smoke and quick: projector and predictor 8x narrower (512-128, 512), LARS without the cap.</summary>
    public static readonly MethodRecipe Cpu = new(
        (ByolConfig)Published.Method with { ProjectorHiddenDim = 512, ProjectorOutputDim = 128, PredictorHiddenDim = 512 },
        MethodRecipe.OnCpu(Published.Optimizer));

    /// <summary>
    /// Standard: the CPU heads for 32 epochs (992 steps of 64) where the other methods get the profile's 8. In 248 steps BYOL
    /// stayed on the random-init floor in all ten variants tried (EMA rates, the LARS cap, a 10x predictor rate, symmetric
    /// views, weight decay, learning rate, warm-up), its backbone RankMe falling to 3-6 within the first epoch; over 992
    /// steps it does not collapse and leaves the floor (docs/profiles.md). The report prints each run's steps.
    /// </summary>
    public static readonly MethodRecipe Standard = Cpu with { Epochs = 32 };

    public static MethodRecipe For(string profile) => profile switch
    {
        Profiles.Paper => Published,
        Profiles.Smoke or Profiles.Quick => Cpu,
        Profiles.Standard => Standard,
        _ => throw Profiles.Unknown(profile),
    };
}
