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

    public static string Of(string method) => method switch
    {
        "simclr" => Contrastive,
        "byol" or "dino" => Distillation,
        "barlow" => Canonical,
        "mae" => Masked,
        "supervised" => Supervised,
        "random-init" => None,
        _ => method,
    };
}
