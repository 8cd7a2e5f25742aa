using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>Barlow Twins on each profile: the two symmetric views' cross-correlation pulled to the identity (<see cref="ViewRecipe.SymmetricPair"/>).</summary>
public static class BarlowTwinsRecipe
{
    /// <summary>solo-learn's barlow_twins: projector 3 x 2048, lambda 0.0051, loss scale 0.1, LARS lr 0.3, wd 1e-4.</summary>
    public static readonly MethodRecipe Published = new(
        new BarlowTwinsConfig { ProjectorHiddenDim = 2048, ProjectorOutputDim = 2048, ProjectorLayers = 3, BarlowLambda = 0.0051, BarlowScale = 0.1 },
        MethodRecipe.SoloLearnLars(learningRate: 0.3, weightDecay: 1e-4));

    /// <summary>
    /// Smoke, quick and standard: projector 512-512-128, LARS without the cap (with it the projector collapsed, see
    /// <see cref="MethodRecipe.OnCpu"/>). lambda stays solo-learn's: scaled to the 128-d head (0.0816) it did no better
    /// (F1 0.565 with the cap, docs/profiles.md).
    /// </summary>
    public static readonly MethodRecipe Cpu = new(
        (BarlowTwinsConfig)Published.Method with { ProjectorHiddenDim = 512, ProjectorOutputDim = 128 },
        MethodRecipe.OnCpu(Published.Optimizer));

    public static MethodRecipe For(string profile) => MethodRecipe.PaperOrCpu(profile, Published, Cpu);
}
