using SslAnomaly.Numerics;

namespace SslAnomaly.Backbones;

/// <summary>
/// Which backbone to build and for what input. <see cref="PatchSize"/> (ViT) and <see cref="Stem"/>
/// (ResNet) default from the resolution; see <see cref="BackboneFactory"/>. <see cref="Precision"/> is what the trunk
/// computes its activations in; its parameters and the features it returns are float32 either way.
/// </summary>
public sealed record BackboneConfig(string Name, int Resolution, int PatchSize = 0, ResNetStem Stem = ResNetStem.Auto,
    ComputePrecision Precision = ComputePrecision.Float32)
{
    public const string ResNet18 = "resnet18";
    public const string VitTiny = "vit-tiny";
    /// <summary>The raw-pixel baseline (<see cref="RawPixels"/>): probed untrained only, never part of a sweep's backbones.</summary>
    public const string Pixels = "pixels";
    /// <summary>The trainable backbones, which sweeps cover.</summary>
    public static readonly IReadOnlyList<string> Names = [ResNet18, VitTiny];
    public static readonly IReadOnlyList<string> AllNames = [ResNet18, VitTiny, Pixels];
}

/// <summary>ResNet input stem: ImageNet (7x7 stride 2 + max-pool) or small-image (3x3 stride 1, no pool).</summary>
public enum ResNetStem { Auto, ImageNet, Small }
