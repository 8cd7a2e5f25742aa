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

    /// <summary>Trainable parameter count of the trunk (no heads).</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
