using SslAnomaly.Backbones;
using SslAnomaly.Optim;

namespace SslAnomaly.Methods;

/// <summary>Builds a method by name on a backbone, through its <see cref="MethodRegistry"/> entry.</summary>
public static class MethodFactory
{
    public static IReadOnlyList<string> Names => MethodRegistry.Names;

    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="config">Hyper-parameters, of the method's own record type; null takes the method's defaults.</param>
    /// <param name="optimizer">Optimiser and schedule. Always given: a method's own is part of its recipe (Experiments/Recipes/;
    /// MethodRecipe.Published for the method as published), which this layer does not see, and a silent stand-in would
    /// train another method than the caller meant.</param>
    /// <param name="trainDefectShare">Defect share of the training set (supervised: BCE positive weight).</param>
    /// <param name="createBackbone">Builds teacher backbones (BYOL, DINO); default: a fresh backbone of the same config.</param>
    public static SslMethod Create(string name, Backbone backbone, MethodConfig? config, OptimizerSettings optimizer,
        double? trainDefectShare = null, Func<Backbone>? createBackbone = null)
    {
        var spec = MethodRegistry.Get(name);
        if (config is not null && config.GetType() != spec.ConfigType)
            throw new ArgumentException($"{name} takes a {spec.ConfigType.Name}, not a {config.GetType().Name}", nameof(config));
        createBackbone ??= () => BackboneFactory.Create(backbone.Config);
        return spec.Create(new MethodContext(backbone, config ?? spec.Defaults, optimizer, trainDefectShare, createBackbone));
    }
}
