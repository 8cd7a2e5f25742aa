using SslAnomaly.Augment;
using SslAnomaly.Backbones;

namespace SslAnomaly.Methods;

/// <summary>
/// The methods this workbook can run, one <see cref="MethodSpec"/> each. Adding a method: its class in Methods/ and one
/// entry here (docs/architecture.md, "Adding a method"). The order of <see cref="All"/> is the order of every list a
/// user sees (help, error messages, the sweep); Table 1 keeps the paper's row order.
/// What a method runs with (its hyper-parameters per profile, its optimiser, its own epochs) is its recipe, one file per
/// method in Experiments/Recipes/ (docs/architecture.md, "Method defaults"); its config record's property defaults are the
/// published values, for code that builds a method outside an experiment.
/// </summary>
public static class MethodRegistry
{
    public static readonly MethodSpec SimClr = new("simclr", "SimCLR", MethodKind.SelfSupervised, "contrastive: NT-Xent between two views' projections",
        new SimClrConfig(),
        c => new SimClr(c.Backbone, (SimClrConfig)c.Config, c.Optimizer), ViewRecipe.SymmetricPair);

    public static readonly MethodSpec Byol = new("byol", "BYOL", MethodKind.SelfSupervised, "self-distillation: an online predictor regresses an EMA teacher's projection",
        new ByolConfig(),
        c => new Byol(c.Backbone, (ByolConfig)c.Config, c.Optimizer, c.CreateBackbone), ViewRecipe.AsymmetricPair);

    public static readonly MethodSpec Barlow = new("barlow", "BarlowTwins", MethodKind.SelfSupervised, "redundancy reduction: the views' cross-correlation pulled to the identity",
        new BarlowTwinsConfig(),
        c => new BarlowTwins(c.Backbone, (BarlowTwinsConfig)c.Config, c.Optimizer), ViewRecipe.SymmetricPair);

    public static readonly MethodSpec Dino = new("dino", "DINO", MethodKind.SelfSupervised, "self-distillation: the student matches a centred, sharpened EMA teacher over prototypes",
        new DinoConfig(),
        c => new Dino(c.Backbone, (DinoConfig)c.Config, c.Optimizer, c.CreateBackbone), ViewRecipe.AsymmetricPair, MultiCrop: true);

    public static readonly MethodSpec Mae = new("mae", "MAE", MethodKind.SelfSupervised, "masked image modelling: reconstruct 75 % hidden patches (ViT only)",
        new MaeConfig(),
        c => new Mae(c.Backbone, (MaeConfig)c.Config, c.Optimizer), ViewRecipe.CropAndFlip,
        Backbones: [BackboneConfig.VitTiny], BackboneKind: "Vision Transformer",
        BackboneReason: "MAE drops 75 % of the patch tokens and encodes only the visible ones, which a convolutional network " +
            "cannot do (its sliding filters see every pixel and the hidden regions leak through overlapping receptive fields). " +
            "The paper leaves MAE x ResNet-18 blank too; a masked-convolution variant (sparse convolutions as in SparK or " +
            "ConvNeXt V2) would be a different method.");

    public static readonly MethodSpec Supervised = new("supervised", "Supervised", MethodKind.Supervised, "baseline: a linear defect head trained with class-weighted BCE on the labels",
        new SupervisedConfig(),
        c => new Supervised(c.Backbone, (SupervisedConfig)c.Config, c.Optimizer, c.TrainDefectShare), ViewRecipe.Single);

    /// <summary>
    /// The floor: the backbone as its seed initialised it, probed like the others (the runner trains it zero steps, so its
    /// optimiser is never stepped).
    /// </summary>
    public static readonly MethodSpec RandomInitFloor = new(RandomInit.Name, null, MethodKind.Floor, "floor: the untrained backbone (seeded initialisation) under the same probe",
        new RandomInitConfig(), c => new RandomInit(c.Backbone, c.Optimizer), ViewRecipe.Single);

    public static readonly IReadOnlyList<MethodSpec> All = [SimClr, Byol, Barlow, Dino, Mae, Supervised, RandomInitFloor];

    public static readonly IReadOnlyList<string> Names = All.Select(m => m.Name).ToList();

    public static MethodSpec Get(string name) => Find(name)
        ?? throw new UserInputException($"unknown method '{name}' (valid: {string.Join(", ", Names)}).");

    public static MethodSpec? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    /// <summary>The method whose config record <paramref name="config"/> is.</summary>
    public static MethodSpec Of(MethodConfig config) => All.FirstOrDefault(m => m.ConfigType == config.GetType())
        ?? throw new ArgumentException($"{config.GetType().Name} is no registered method's config record.");

    /// <summary>The kind of the method a result names; null for names no registered method has (the report's derived
    /// reference rows, such as always-defect or supervised-head).</summary>
    public static MethodKind? KindOf(string name) => Find(name)?.Kind;

    /// <summary>Whether a result's method is one of the self-supervised methods the study is about (not the supervised
    /// ceiling, not the random-init floor, not a reference row).</summary>
    public static bool IsSelfSupervised(string name) => KindOf(name) == MethodKind.SelfSupervised;

    /// <summary>Our name for a paper's row label ("BarlowTwins" or "Barlow Twins" -> "barlow"); unknown labels are lower-cased.</summary>
    public static string FromPaperName(string paperName) =>
        All.FirstOrDefault(m => m.PaperName is { } p && Squeeze(p) == Squeeze(paperName))?.Name ?? paperName.ToLowerInvariant();

    static string Squeeze(string s) => s.Replace(" ", "").ToLowerInvariant();

    /// <summary>"simclr | byol | ...": the value list of a --method option.</summary>
    public static string OptionHelp => string.Join(" | ", Names);

    /// <summary>One line per method: its name and summary, for a command's help.</summary>
    public static string Overview => string.Join("\n", All.Select(m => $"  {m.Name,-12}{m.Summary}"));
}
