using SslAnomaly.Native;

namespace SslAnomaly.Backbones;

/// <summary>Builds a backbone from its config, filling resolution-dependent defaults.</summary>
public static class BackboneFactory
{
    /// <summary>ImageNet stem from 96 px up, small-image stem below (docs/architecture.md, Backbones).</summary>
    public static ResNetStem DefaultStem(int resolution) => resolution >= 96 ? ResNetStem.ImageNet : ResNetStem.Small;

    /// <summary>Patch 16 from 160 px up (14x14 tokens at 224), 8 from 64 px, 4 below: token counts stay 16-200.</summary>
    public static int DefaultPatchSize(int resolution) => resolution >= 160 ? 16 : resolution >= 64 ? 8 : 4;

    /// <summary>The config with defaults resolved, validated for the backbone.</summary>
    public static BackboneConfig Resolve(BackboneConfig config)
    {
        if (config.Resolution < 16)
            throw new UserInputException($"resolution {config.Resolution} is too small: use at least 16 px.");
        switch (config.Name)
        {
            case BackboneConfig.ResNet18:
                return config with { Stem = config.Stem == ResNetStem.Auto ? DefaultStem(config.Resolution) : config.Stem, PatchSize = 0 };
            case BackboneConfig.VitTiny:
                int patch = config.PatchSize > 0 ? config.PatchSize : DefaultPatchSize(config.Resolution);
                if (config.Resolution % patch != 0)
                    throw new UserInputException($"vit-tiny: resolution {config.Resolution} is not divisible by the patch size {patch}; choose a resolution that is a multiple of {patch} or set the patch size.");
                return config with { PatchSize = patch, Stem = ResNetStem.Auto };
            case BackboneConfig.Pixels:
                return config with { PatchSize = 0, Stem = ResNetStem.Auto };
            default:
                throw new UserInputException($"unknown backbone '{config.Name}' (valid: {string.Join(", ", BackboneConfig.AllNames)}).");
        }
    }

    public static Backbone Create(BackboneConfig config)
    {
        TorchRuntime.EnsureLoaded();
        var resolved = Resolve(config);
        return resolved.Name switch
        {
            BackboneConfig.ResNet18 => new ResNet18(resolved, resolved.Stem),
            BackboneConfig.Pixels => new RawPixels(resolved),
            _ => new VisionTransformer(resolved, resolved.PatchSize),
        };
    }
}
