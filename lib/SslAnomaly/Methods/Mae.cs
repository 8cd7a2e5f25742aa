using SslAnomaly.Backbones;
using SslAnomaly.Losses;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Optim;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// MAE (He et al. 2022) on the ViT backbone: per image, a random 75 % of the patch tokens is dropped (argsort of uniform
/// noise); the encoder (<see cref="VisionTransformer.Encode"/>) sees only the visible tokens plus the class token; the light
/// <see cref="MaeDecoder"/> reconstructs every patch, and the loss is the normalised-pixel MSE on the masked ones.
/// One view per image. A ResNet cannot be used: see <see cref="RequireVit"/>.
/// </summary>
public sealed class Mae : SslMethod
{
    readonly MaeConfig config;
    readonly VisionTransformer vit;
    readonly MaeDecoder decoder;

    public Mae(Backbone backbone, MaeConfig config, OptimizerSettings optimizer) : base(nameof(Mae), RequireVit(backbone), config, optimizer)
    {
        this.config = config;
        vit = (VisionTransformer)backbone;
        decoder = new MaeDecoder(vit.Dim, vit.GridSize, vit.PatchSize, config.MaeDecoderDim, config.MaeDecoderDepth, config.MaeDecoderHeads);
        register_module("decoder", decoder);
    }

    /// <summary>MAE x ResNet-18 is blank in the paper, for the reason its <see cref="MethodRegistry.Mae"/> entry states.</summary>
    public static Backbone RequireVit(Backbone backbone) => backbone as VisionTransformer
        ?? throw new UserInputException(MethodRegistry.Mae.BackboneError(backbone.Config.Name));

    public override string MethodName => "mae";
    public override int ViewCount => 1;

    /// <summary>
    /// Per-sample random masking: keeps the int(L (1 - ratio)) tokens with the smallest noise. Returns the kept tokens
    /// [B, keep, D], the mask [B, L] (1 = hidden) and the order that restores the original positions [B, L].
    /// </summary>
    public static (Tensor Visible, Tensor Mask, Tensor RestoreOrder) RandomMasking(Tensor tokens, double maskRatio, Generator? generator)
    {
        long b = tokens.shape[0], l = tokens.shape[1], d = tokens.shape[2];
        long keep = (long)(l * (1 - maskRatio));
        if (keep < 1) throw new UserInputException($"mask ratio {maskRatio} leaves no visible patch out of {l}");
        var noise = rand(b, l, generator: generator, device: tokens.device);
        var shuffle = noise.argsort(1);
        var restore = shuffle.argsort(1);
        var kept = shuffle.narrow(1, 0, keep);
        var visible = tokens.gather(1, kept.unsqueeze(-1).expand(b, keep, d));
        var mask = ones(b, l, dtype: tokens.dtype, device: tokens.device);
        mask.narrow(1, 0, keep).fill_(0);
        return (visible, mask.gather(1, restore), restore);
    }

    public override StepOutput TrainingStep(StepInput input)
    {
        RequireViews(input);
        var images = input.Views[0];
        var (visible, mask, restore) = RandomMasking(vit.Embed(images), config.MaskRatio, input.Generator);
        var latent = vit.Encode(visible);
        var prediction = decoder.call(latent, restore);
        var loss = MaeLoss.Compute(images, prediction, mask, vit.PatchSize, config.MaeNormPixLoss);
        return new StepOutput(loss, null);
    }

    /// <summary>Reconstruction of all patches and the mask, for figures: ([B, L, p*p*3], [B, L]).</summary>
    public (Tensor Prediction, Tensor Mask) Reconstruct(Tensor images, Generator? generator)
    {
        var (visible, mask, restore) = RandomMasking(vit.Embed(images), config.MaskRatio, generator);
        return (decoder.call(vit.Encode(visible), restore), mask);
    }
}
