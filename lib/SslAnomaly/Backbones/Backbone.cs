using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Backbones;

/// <summary>
/// A feature extractor: images [B, 3, H, W] (normalised) -> pooled features [B, FeatureDim].
/// Methods put their heads on top; the probe reads these features frozen.
/// </summary>
public abstract class Backbone : nn.Module<Tensor, Tensor>
{
    protected Backbone(string name, BackboneConfig config) : base(name) => Config = config;

    public BackboneConfig Config { get; }

    /// <summary>Width of the pooled feature (512 for ResNet-18, 192 for ViT-Tiny).</summary>
    public abstract int FeatureDim { get; }

    /// <summary>
    /// Runs once as training does (forward and backward at <paramref name="batchSize"/>) and once as feature extraction does
    /// (eval mode, no gradients), so that every op shape it runs passes the kernel check now rather than mid-run. Changes
    /// batch-norm statistics and leaves gradients: for a backbone that will not be trained.
    /// </summary>
    public void Exercise(int batchSize)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var images = randn([batchSize, 3, Config.Resolution, Config.Resolution], generator: generator);
        train();
        call(images).sum().backward();
        eval();
        using (no_grad()) call(images);
    }

    /// <summary>Trainable parameter count of the trunk (no heads).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
