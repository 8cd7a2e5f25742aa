using SslAnomaly.Numerics;
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

    /// <summary>Images [B, 3, H, W] as the trunk computes: cast to bfloat16 under <see cref="ComputePrecision.BFloat16"/>,
    /// where every checked op then follows the activations (<see cref="Kernels"/>); otherwise as they come (float32, or
    /// float64 for a model the golden tests moved to float64).</summary>
    protected Tensor InComputePrecision(Tensor images) =>
        Config.Precision == ComputePrecision.BFloat16 ? images.to(ScalarType.BFloat16) : images;

    /// <summary>Bfloat16 activations back in float32, as heads, losses, the probe and the feature caches read them; any
    /// other precision as it is.</summary>
    protected static Tensor FromComputePrecision(Tensor activations) =>
        activations.dtype == ScalarType.BFloat16 ? activations.to(ScalarType.Float32) : activations;

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
