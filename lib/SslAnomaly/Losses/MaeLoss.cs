using static TorchSharp.torch;

namespace SslAnomaly.Losses;

/// <summary>
/// MAE's reconstruction loss (He et al. 2022, <c>MaskedAutoencoderViT.forward_loss</c>): images are cut into
/// patches flattened as (p, p, channel); with normalised-pixel targets each patch is standardised by its own
/// mean and unbiased variance (+1e-6); the squared error is averaged per patch and then over the masked
/// patches only (mask = 1 where a patch was hidden from the encoder).
/// </summary>
public static class MaeLoss
{
    public const double PixelNormEps = 1e-6;

    /// <summary>[B, C, H, W] -> [B, (H/p)(W/p), p*p*C], patches in row-major order, each flattened as (row, column, channel).</summary>
    public static Tensor Patchify(Tensor images, int patchSize)
    {
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        if (h % patchSize != 0 || w % patchSize != 0)
            throw new ArgumentException($"image {h}x{w} is not divisible into {patchSize}-px patches");
        using var scope = NewDisposeScope();
        long gh = h / patchSize, gw = w / patchSize;
        return images.reshape(b, c, gh, patchSize, gw, patchSize)
            .permute(0, 2, 4, 3, 5, 1)
            .reshape(b, gh * gw, patchSize * patchSize * c)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Inverse of <see cref="Patchify"/> for square images of the given channel count.</summary>
    public static Tensor Unpatchify(Tensor patches, int patchSize, int channels = 3)
    {
        long b = patches.shape[0], l = patches.shape[1];
        long g = (long)Math.Round(Math.Sqrt(l));
        if (g * g != l) throw new ArgumentException($"{l} patches do not form a square grid");
        using var scope = NewDisposeScope();
        return patches.reshape(b, g, g, patchSize, patchSize, channels)
            .permute(0, 5, 1, 3, 2, 4)
            .reshape(b, channels, g * patchSize, g * patchSize)
            .MoveToOuterDisposeScope();
    }

    /// <param name="images">The unmasked input images [B, C, H, W].</param>
    /// <param name="predictions">Decoder outputs per patch [B, L, p*p*C].</param>
    /// <param name="mask">[B, L]: 1 for masked (hidden) patches, 0 for visible ones.</param>
    public static Tensor Compute(Tensor images, Tensor predictions, Tensor mask, int patchSize, bool normalizePixels = true)
    {
        using var scope = NewDisposeScope();
        var target = Patchify(images, patchSize).detach();
        if (!target.shape.SequenceEqual(predictions.shape))
            throw new ArgumentException($"MAE predictions [{string.Join(",", predictions.shape)}] do not match the patchified target [{string.Join(",", target.shape)}]");
        if (normalizePixels)
        {
            var mean = target.mean([-1], keepdim: true);
            var variance = target.var(-1, unbiased: true, keepdim: true);
            target = target.sub(mean).div(variance.add(PixelNormEps).sqrt());
        }
        var perPatch = predictions.sub(target).pow(2).mean([-1]);
        return perPatch.mul(mask).sum().div(mask.sum()).MoveToOuterDisposeScope();
    }
}
