using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>SimCLR on each profile: NT-Xent between two symmetric views' projections (<see cref="ViewRecipe.SymmetricPair"/>).</summary>
public static class SimClrRecipe
{
    /// <summary>solo-learn's simclr: projector 2048-2048-256 (BN + ReLU), temperature 0.2, LARS lr 0.4, wd 1e-5.</summary>
    public static readonly MethodRecipe Published = new(
        new SimClrConfig { ProjectorHiddenDim = 2048, ProjectorOutputDim = 256, ProjectorLayers = 3, Temperature = 0.2 },
        MethodRecipe.SoloLearnLars(learningRate: 0.4, weightDecay: 1e-5));

    /// <summary>Smoke, quick and standard: a projector 4x narrower (512-512-128) for tiny images and short runs, LARS without the cap.</summary>
    public static readonly MethodRecipe Cpu = new(
        (SimClrConfig)Published.Method with { ProjectorHiddenDim = 512, ProjectorOutputDim = 128 },
        MethodRecipe.OnCpu(Published.Optimizer));

    public static MethodRecipe For(string profile) => MethodRecipe.PaperOrCpu(profile, Published, Cpu);
}
