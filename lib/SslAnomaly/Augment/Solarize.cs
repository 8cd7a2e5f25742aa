using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>Solarisation as torchvision's <c>solarize</c> on float images: invert values at or above a threshold.</summary>
public static class Solarize
{
    public static Tensor Apply(Tensor images, bool[] solarize, double threshold) =>
        BatchSubset.Apply(images, solarize, (x, _) =>
        {
            using var above = x.ge(threshold);
            using var inverted = x.neg().add_(1.0);
            return inverted.where(above, x);
        });

    public static Tensor Random(Tensor images, Generator generator, double p, double threshold) =>
        Apply(images, RandomDraws.Bernoulli(generator, (int)images.shape[0], p), threshold);
}
