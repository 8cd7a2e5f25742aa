using SslAnomaly.Methods;

namespace SslAnomaly.Analysis;

/// <summary>
/// The SSL families of Balestriero et al.'s "cookbook" (2023), which the paper's authors use: a metric may predict F1
/// within a family and fail across them, which pooling would hide.
/// </summary>
public static class MethodFamily
{
    public const string Contrastive = "contrastive";
    public const string Distillation = "self-distillation";
    public const string Canonical = "canonical correlation";
    public const string Masked = "masked image modelling";
    public const string Supervised = "supervised";
    public const string None = "no training";

    /// <summary>The family of a method: the supervised ceiling and the floor by their kind in the registry, the
    /// self-supervised methods by the cookbook; an unknown name is its own family.</summary>
    public static string Of(string method) => MethodRegistry.KindOf(method) switch
    {
        MethodKind.Supervised => Supervised,
        MethodKind.Floor => None,
        _ => method switch
        {
            "simclr" => Contrastive,
            "byol" or "dino" => Distillation,
            "barlow" => Canonical,
            "mae" => Masked,
            _ => method,
        },
    };
}
