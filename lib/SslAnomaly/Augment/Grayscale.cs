using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>Luma grey as torchvision's <c>rgb_to_grayscale</c> (ITU-R 601-2 weights), kept as 3 channels.</summary>
public static class Grayscale
{
    /// <summary>[n, 1, H, W] luma of RGB images [n, 3, H, W].</summary>
    public static Tensor Luma(Tensor images)
    {
        using var scope = NewDisposeScope();
        var c = images.unbind(-3);
        return c[0].mul(0.2989).add_(c[1].mul(0.587)).add_(c[2].mul(0.114)).unsqueeze(-3).MoveToOuterDisposeScope();
    }

    public static Tensor Apply(Tensor images, bool[] gray) =>
        BatchSubset.Apply(images, gray, (x, _) =>
        {
            using var luma = Luma(x);
            return luma.expand(x.shape).contiguous();
        });

    public static Tensor Random(Tensor images, Generator generator, double p) =>
        Apply(images, RandomDraws.Bernoulli(generator, (int)images.shape[0], p));
}
