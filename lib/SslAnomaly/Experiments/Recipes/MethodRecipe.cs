using SslAnomaly.Methods;
using SslAnomaly.Optim;

namespace SslAnomaly.Experiments;

/// <summary>
/// What a run of one method uses on one profile beyond the profile's scale (<see cref="Profiles.Scale"/>): the method's
/// hyper-parameters (heads, temperatures, EMA rates), its optimiser and, where the method needs its own, its epochs. Each
/// method has one file in Experiments/Recipes/ that answers "what does it run with on this profile" top to bottom, as
/// solo-learn's one YAML per method and dataset does: its published recipe (the paper profile) and what each CPU profile
/// changes, with the measurements behind each change (docs/profiles.md). Its views are the method's own on every profile
/// (<see cref="MethodSpec.Views"/>), shaped by the profile's augmentation settings.
/// </summary>
/// <param name="Method">The method's hyper-parameters, of its config record type (config.json's "method" section).</param>
/// <param name="Optimizer">Its optimiser and schedule (config.json's "optimizer" section).</param>
/// <param name="Epochs">Pretraining epochs; null: the profile's.</param>
public sealed record MethodRecipe(MethodConfig Method, OptimizerSettings Optimizer, int? Epochs = null)
{
    /// <summary>
    /// The recipe of <paramref name="method"/> on <paramref name="profile"/> (the supervised ceiling's epochs also depend on
    /// the <paramref name="backbone"/>). A method without a recipe file is a programming error: the registry's tests build
    /// every method on every profile.
    /// </summary>
    public static MethodRecipe For(MethodSpec method, string profile, string backbone) => method.Defaults switch
    {
        SimClrConfig => SimClrRecipe.For(profile),
        ByolConfig => ByolRecipe.For(profile),
        BarlowTwinsConfig => BarlowTwinsRecipe.For(profile),
        DinoConfig => DinoRecipe.For(profile),
        MaeConfig => MaeRecipe.For(profile),
        SupervisedConfig => SupervisedRecipe.For(profile, backbone),
        RandomInitConfig => RandomInitRecipe.For(profile),
        _ => throw new InvalidOperationException($"method {method.Name} has no recipe in Experiments/Recipes/ (docs/architecture.md, \"Adding a method\")."),
    };

    /// <summary>The method as published (the paper profile's recipe): what a config left to "the method's default" meant.</summary>
    public static MethodRecipe Published(MethodSpec method) => For(method, Profiles.Paper, method.AcceptedBackbones[0]);

    /// <summary>The profile's experiment with this recipe's method, optimiser and epochs.</summary>
    public ExperimentConfig ApplyTo(ExperimentConfig scale) =>
        scale with { Method = Method, Optimizer = Optimizer, Epochs = Epochs ?? scale.Epochs };

    /// <summary>solo-learn's LARS (eta 0.02, clip_lr, biases and norms excluded, 10 warm-up epochs then cosine) at a method's rate and decay.</summary>
    internal static OptimizerSettings SoloLearnLars(double learningRate, double weightDecay) =>
        new() { Kind = "lars", LearningRate = learningRate, WeightDecay = weightDecay };

    /// <summary>
    /// The CPU profiles' optimiser, for every method: LARS without solo-learn's clip_lr. Its recipes pair the cap with batch
    /// 256 and full-width heads; at batch 64 with the CPU heads it made Barlow Twins' projector collapse (projector RankMe
    /// 2.8 of 128, loss climbing back from 3.4 to 6.0; natural-split F1 0.588 against 0.721 without the cap) and moved
    /// SimCLR and BYOL by less than their intervals (docs/profiles.md). Set for AdamW and SGD too, which ignore it, so that
    /// every CPU run's config.json reads the same.
    /// </summary>
    internal static OptimizerSettings OnCpu(OptimizerSettings published) => published with { LarsClipLr = false };

    /// <summary>The choice most methods make: the published recipe on the paper profile, one CPU recipe on smoke, quick and standard.</summary>
    internal static MethodRecipe PaperOrCpu(string profile, MethodRecipe published, MethodRecipe cpu) => profile switch
    {
        Profiles.Paper => published,
        Profiles.Smoke or Profiles.Quick or Profiles.Standard => cpu,
        _ => throw Profiles.Unknown(profile),
    };
}
