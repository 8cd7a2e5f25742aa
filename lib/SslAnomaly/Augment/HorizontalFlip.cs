using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>Horizontal flip of the selected samples (torchvision <c>hflip</c>).</summary>
public static class HorizontalFlip
{
    public static Tensor Apply(Tensor images, bool[] flip) => BatchSubset.Apply(images, flip, (x, _) => x.flip(-1));

    public static Tensor Random(Tensor images, Generator generator, double p) =>
        Apply(images, RandomDraws.Bernoulli(generator, (int)images.shape[0], p));
}
