using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>
/// DINO on each profile: the student matches a centred, sharpened EMA teacher over prototypes, on asymmetric views
/// (<see cref="ViewRecipe.AsymmetricPair"/>; local crops may be added, <see cref="MethodSpec.MultiCrop"/>).
/// </summary>
public static class DinoRecipe
{
    /// <summary>
    /// DINO's: head 2048 hidden, 256 bottleneck, 4096 prototypes, student T 0.1, teacher T 0.04 -> 0.07 over 30 epochs,
    /// centre momentum 0.9, EMA tau 0.996 -> 1, the prototype layer frozen for the first epoch; LARS lr 0.3, wd 1e-6.
    /// </summary>
    public static readonly MethodRecipe Published = new(
        new DinoConfig
        {
            DinoHiddenDim = 2048, DinoBottleneckDim = 256, DinoPrototypes = 4096, DinoHeadLayers = 3, DinoHeadBatchNorm = false,
            DinoNormLastLayer = true, DinoFreezeLastLayerEpochs = 1,
            DinoStudentTemperature = 0.1, DinoTeacherTemperature = 0.07, DinoWarmupTeacherTemperature = 0.04,
            DinoTeacherWarmupEpochs = 30, DinoTeacherWarmupMaxFraction = 0.3, DinoCenterMomentum = 0.9,
            EmaBase = 0.996, EmaFinal = 1.0,
        },
        MethodRecipe.SoloLearnLars(learningRate: 0.3, weightDecay: 1e-6));

    /// <summary>Smoke, quick and standard: head 512 hidden, 128 bottleneck, 1024 prototypes; LARS without the cap.</summary>
    public static readonly MethodRecipe Cpu = new(
        (DinoConfig)Published.Method with { DinoHiddenDim = 512, DinoBottleneckDim = 128, DinoPrototypes = 1024 },
        MethodRecipe.OnCpu(Published.Optimizer));

    public static MethodRecipe For(string profile) => MethodRecipe.PaperOrCpu(profile, Published, Cpu);
}
