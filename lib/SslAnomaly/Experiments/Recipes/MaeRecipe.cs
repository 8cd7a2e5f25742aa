using SslAnomaly.Methods;
using SslAnomaly.Optim;

namespace SslAnomaly.Experiments;

/// <summary>MAE on each profile (ViT only): reconstruct the hidden 75 % of the patches of one cropped, flipped view (<see cref="ViewRecipe.CropAndFlip"/>).</summary>
public static class MaeRecipe
{
    /// <summary>MAE's: mask ratio 0.75, normalised-pixel loss, AdamW lr 1.5e-4, wd 0.05, betas (0.9, 0.95); the decoder (256 x 4, 8 heads) sized down from MAE's 512 x 8 for small images.</summary>
    public static readonly MethodRecipe Published = new(
        new MaeConfig { MaskRatio = 0.75, MaeDecoderDim = 256, MaeDecoderDepth = 4, MaeDecoderHeads = 8, MaeNormPixLoss = true },
        new OptimizerSettings { Kind = "adamw", LearningRate = 1.5e-4, WeightDecay = 0.05, Beta1 = 0.9, Beta2 = 0.95 });

    /// <summary>Smoke, quick and standard: a decoder of 128 x 2 with 4 heads.</summary>
    public static readonly MethodRecipe Cpu = new(
        (MaeConfig)Published.Method with { MaeDecoderDim = 128, MaeDecoderDepth = 2, MaeDecoderHeads = 4 },
        MethodRecipe.OnCpu(Published.Optimizer));

    public static MethodRecipe For(string profile) => MethodRecipe.PaperOrCpu(profile, Published, Cpu);
}
