using static TorchSharp.torch;

namespace SslAnomaly.Backbones;

/// <summary>
/// The raw-pixel baseline: the normalised image average-pooled to <see cref="Grid"/> x <see cref="Grid"/> and flattened
/// (768 values). A linear probe on these features is a logistic regression on pixels: what a task needs no learned
/// representation for. It has no parameters, so it is only ever probed untrained (<c>epochs = 0</c>).
/// </summary>
public sealed class RawPixels : Backbone
{
    /// <summary>Side of the pooled image: 16 x 16 x 3 = 768 features, about ResNet-18's width.</summary>
    public const int Grid = 16;

    public RawPixels(BackboneConfig config) : base(nameof(RawPixels), config) { }

    public override int FeatureDim => 3 * Grid * Grid;

    public override Tensor forward(Tensor images) =>
        nn.functional.adaptive_avg_pool2d(images, [Grid, Grid]).flatten(1);
}
