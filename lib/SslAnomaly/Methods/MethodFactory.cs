using SslAnomaly.Backbones;

namespace SslAnomaly.Methods;

/// <summary>Builds a method by name on a backbone.</summary>
public static class MethodFactory
{
    public static readonly IReadOnlyList<string> Names = ["simclr", "byol", "barlow", "dino", "mae", "supervised", RandomInit.Name];

    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="config">Hyper-parameters; null takes <see cref="MethodConfig.For"/>(name).</param>
    /// <param name="trainDefectShare">Defect share of the training set (supervised: BCE positive weight).</param>
    /// <param name="createBackbone">Builds teacher backbones (BYOL, DINO); default: a fresh backbone of the same config.</param>
    public static SslMethod Create(string name, Backbone backbone, MethodConfig? config = null, double? trainDefectShare = null,
        Func<Backbone>? createBackbone = null)
    {
        if (!Names.Contains(name))
            throw new UserInputException($"unknown method '{name}' (valid: {string.Join(", ", Names)}).");
        config ??= MethodConfig.For(name);
        createBackbone ??= () => BackboneFactory.Create(backbone.Config);
        return name switch
        {
            "simclr" => new SimClr(backbone, config),
            "byol" => new Byol(backbone, config, createBackbone),
            "barlow" => new BarlowTwins(backbone, config),
            "dino" => new Dino(backbone, config, createBackbone),
            "mae" => new Mae(backbone, config),
            RandomInit.Name => new RandomInit(backbone, config),
            _ => new Supervised(backbone, config, trainDefectShare),
        };
    }
}
