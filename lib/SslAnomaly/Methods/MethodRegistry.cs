using SslAnomaly.Augment;
using SslAnomaly.Backbones;
using SslAnomaly.Optim;

namespace SslAnomaly.Methods;

/// <summary>
/// The methods this workbook can run, one <see cref="MethodSpec"/> each. Adding a method: its class in Methods/ and one
/// entry here (docs/architecture.md, "Adding a method"). The order of <see cref="All"/> is the order of every list a
/// user sees (help, error messages, the sweep); Table 1 keeps the paper's row order.
/// Defaults follow solo-learn's CIFAR/ImageNet-100 recipes, MAE's and the official Sewer-ML supervised recipe
/// (docs/architecture.md, "Method defaults"): each method's config record carries its own, the entry its optimiser.
/// </summary>
public static class MethodRegistry
{
    /// <summary>solo-learn's LARS (eta 0.02, clip_lr, biases and norms excluded, 10 warm-up epochs then cosine) at a method's rate and decay.</summary>
    static OptimizerSettings SoloLearnLars(double learningRate, double weightDecay) =>
        new() { Kind = "lars", LearningRate = learningRate, WeightDecay = weightDecay };

    public static readonly MethodSpec SimClr = new("simclr", "SimCLR", MethodKind.SelfSupervised, "contrastive: NT-Xent between two views' projections",
        // solo-learn simclr: 2048-2048-256 projector (BN + ReLU), T 0.2, LARS lr 0.4 wd 1e-5 eta 0.02.
        new SimClrConfig(), SoloLearnLars(0.4, 1e-5),
        c => new SimClr(c.Backbone, (SimClrConfig)c.Config, c.Optimizer), ViewRecipe.SymmetricPair);

    public static readonly MethodSpec Byol = new("byol", "BYOL", MethodKind.SelfSupervised, "self-distillation: an online predictor regresses an EMA teacher's projection",
        // solo-learn byol: 4096-256 projector and predictor, tau 0.99 -> 1, LARS lr 1.0 wd 1e-5.
        new ByolConfig(), SoloLearnLars(1.0, 1e-5),
        c => new Byol(c.Backbone, (ByolConfig)c.Config, c.Optimizer, c.CreateBackbone), ViewRecipe.AsymmetricPair);

    public static readonly MethodSpec Barlow = new("barlow", "BarlowTwins", MethodKind.SelfSupervised, "redundancy reduction: the views' cross-correlation pulled to the identity",
        // solo-learn barlow_twins: 3 x 2048 projector, lambda 0.0051, scale 0.1, LARS lr 0.3 wd 1e-4.
        new BarlowTwinsConfig(), SoloLearnLars(0.3, 1e-4),
        c => new BarlowTwins(c.Backbone, (BarlowTwinsConfig)c.Config, c.Optimizer), ViewRecipe.SymmetricPair);

    public static readonly MethodSpec Dino = new("dino", "DINO", MethodKind.SelfSupervised, "self-distillation: the student matches a centred, sharpened EMA teacher over prototypes",
        // DINO: 2048/256/4096 head, student T 0.1, teacher T 0.04 -> 0.07, centre momentum 0.9, tau 0.996 -> 1, LARS lr 0.3 wd 1e-6.
        new DinoConfig(), SoloLearnLars(0.3, 1e-6),
        c => new Dino(c.Backbone, (DinoConfig)c.Config, c.Optimizer, c.CreateBackbone), ViewRecipe.AsymmetricPair, MultiCrop: true);

    public static readonly MethodSpec Mae = new("mae", "MAE", MethodKind.SelfSupervised, "masked image modelling: reconstruct 75 % hidden patches (ViT only)",
        // MAE: mask 0.75, normalised pixels, AdamW lr 1.5e-4 x bs/256, wd 0.05, betas (0.9, 0.95); decoder sized down.
        new MaeConfig(), new OptimizerSettings { Kind = "adamw", LearningRate = 1.5e-4, WeightDecay = 0.05, Beta1 = 0.9, Beta2 = 0.95 },
        c => new Mae(c.Backbone, (MaeConfig)c.Config, c.Optimizer), ViewRecipe.CropAndFlip,
        Backbones: [BackboneConfig.VitTiny], BackboneKind: "Vision Transformer",
        BackboneReason: "MAE drops 75 % of the patch tokens and encodes only the visible ones, which a convolutional network " +
            "cannot do (its sliding filters see every pixel and the hidden regions leak through overlapping receptive fields). " +
            "The paper leaves MAE x ResNet-18 blank too; a masked-convolution variant (sparse convolutions as in SparK or " +
            "ConvNeXt V2) would be a different method.");

    public static readonly MethodSpec Supervised = new("supervised", "Supervised", MethodKind.Supervised, "baseline: a linear defect head trained with class-weighted BCE on the labels",
        // Sewer-ML's official recipe: SGD lr 0.1 x bs/256, momentum 0.9, wd 1e-4 on every parameter.
        new SupervisedConfig(), new OptimizerSettings { Kind = "sgd", LearningRate = 0.1, WeightDecay = 1e-4, ExcludeBiasAndNorm = false },
        c => new Supervised(c.Backbone, (SupervisedConfig)c.Config, c.Optimizer, c.TrainDefectShare), ViewRecipe.Single);

    /// <summary>
    /// The floor: the backbone as its seed initialised it, probed like the others (the runner trains it zero steps). Its
    /// optimiser is never stepped; the entry keeps the shared LARS default so that config.json records one like every run.
    /// </summary>
    public static readonly MethodSpec RandomInitFloor = new(RandomInit.Name, null, MethodKind.Floor, "floor: the untrained backbone (seeded initialisation) under the same probe",
        new RandomInitConfig(), new OptimizerSettings(), c => new RandomInit(c.Backbone, c.Optimizer), ViewRecipe.Single);

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
