using System.Text.Json.Nodes;
using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>
/// Named presets of an experiment's scale. <c>smoke</c>: one experiment in seconds (tests, CI, notebooks in CI).
/// <c>quick</c>: the imbalance grid at three of the five train shares on the embedded data on 2 CPU cores within half an hour: enough for the supervised
/// ceiling to learn, too short for most SSL cells to leave the random-init floor (the report says which).
/// <c>standard</c>: the same data with 4x the pretraining (BYOL 16x), where the joint-embedding methods beat the floor
/// (the ResNet-18 runs at 45 % that show it take under an hour on 2 cores; the whole grid of 65 runs about 7 hours, so
/// split it with --parallel or --slurm). <c>paper</c>: Sewer-ML at 224 px on a GPU with
/// paper-scale subsets (our choice of sizes: the paper does not state them; 200k training images keep even the
/// 1 % subset at 2,000 defects).
///
/// Both CPU profiles score a held-out test split beside validation, with the same subsets. Standard's 3,000-image subsets
/// hold at least 30 defects at every share (30 at 1 %); quick's 1,000 hold 10 at 1 % and 20 at 2 %, cells the reports mark
/// as resting on too few defects, to keep feature extraction (two splits of about 1,500 images) small beside its short pretraining.
///
/// The CPU profiles (quick, standard) run at 64 px with torchvision's own ResNet-18 (ImageNet stem: layer4 sees 2x2)
/// and render the embedded defects 2.5x larger than generator v1 drew them, so the thinnest classes (cracks, roots,
/// seams) stay wider than a pixel at 64 px; measurements behind these choices are in docs/profiles.md.
/// </summary>
public static class Profiles
{
    public const string Smoke = "smoke", Quick = "quick", Standard = "standard", Paper = "paper";
    public static readonly IReadOnlyList<string> Names = [Smoke, Quick, Standard, Paper];

    /// <summary>The profile's overrides of <see cref="ExperimentConfig"/> defaults.</summary>
    public static JsonObject Layer(string profile) => profile switch
    {
        Smoke => new JsonObject
        {
            ["profile"] = Smoke, ["resolution"] = 32, ["stem"] = "imagenet", ["patch_size"] = 8,
            ["train_size"] = 256, ["val_size"] = 200, ["val_natural_size"] = 600, ["epochs"] = 2, ["batch_size"] = 32,
            ["checkpoint_every_steps"] = 4, ["monitor_samples"] = 128,
            ["probe"] = new JsonObject { ["bootstrap_samples"] = 200, ["max_iterations"] = 100 },
            ["embedded"] = new JsonObject { ["resolution"] = 32 },
            ["optimizer"] = CpuOptimizer(),
        },
        Quick => new JsonObject
        {
            ["profile"] = Quick, ["resolution"] = 64, ["stem"] = "imagenet", ["patch_size"] = 16,
            ["train_size"] = 1000, ["val_size"] = 1000, ["val_natural_size"] = 1000, ["epochs"] = 2, ["batch_size"] = 32,
            ["checkpoint_every_steps"] = 50, ["monitor_samples"] = 256,
            ["probe"] = new JsonObject { ["bootstrap_samples"] = 200, ["max_iterations"] = 200 },
            ["embedded"] = CpuData(),
            ["optimizer"] = CpuOptimizer(),
        },
        Standard => new JsonObject
        {
            ["profile"] = Standard, ["resolution"] = 64, ["stem"] = "imagenet", ["patch_size"] = 16,
            ["train_size"] = 2000, ["val_size"] = 3000, ["val_natural_size"] = 2000, ["epochs"] = 8, ["batch_size"] = 64,
            ["checkpoint_every_steps"] = 50, ["monitor_samples"] = 512,
            ["probe"] = new JsonObject { ["bootstrap_samples"] = 500, ["max_iterations"] = 200 },
            ["embedded"] = CpuData(),
            ["optimizer"] = CpuOptimizer(),
        },
        Paper => new JsonObject
        {
            ["profile"] = Paper, ["resolution"] = 224, ["stem"] = "auto", ["patch_size"] = 16,
            ["train_size"] = 200_000, ["val_size"] = 20_000, ["epochs"] = 100, ["batch_size"] = 256,
            ["checkpoint_every_steps"] = 1000, ["monitor_samples"] = 25_600, ["decoded_cache"] = false,
            ["probe"] = new JsonObject { ["bootstrap_samples"] = 1000, ["max_iterations"] = 500 },
        },
        _ => throw new UserInputException($"unknown profile '{profile}' (valid: {string.Join(", ", Names)})."),
    };

    /// <summary>
    /// Per-method overrides on top of <see cref="Layer"/>: the CPU profiles' narrower heads (<see cref="CpuHeads"/>), and on
    /// quick and standard a supervised baseline that can serve as the ceiling. Its ResNet-18 trains longer (the SSL cells
    /// of quick get 62 steps; at 45 % its head reaches F1 0.824 after 496 steps and 0.852 after 744), and its batches are
    /// class-balanced (<see cref="SupervisedConfig.ClassBalancedBatches"/>): at 5 % a class-weighted BCE left it at F1 0.51,
    /// balanced batches reach 0.76 (docs/profiles.md). The supervised ViT-Tiny does not learn at CPU budgets (head F1 0.41
    /// after 496 steps, below always-defect), so quick gives it the SSL cells' budget. On standard BYOL trains 32 epochs
    /// (992 steps): in 248 steps it stayed on the random-init floor in all ten variants tried (EMA rates, the LARS cap, a 10x
    /// predictor rate, symmetric views, weight decay, learning rate, warm-up), its backbone RankMe falling to 3-6 within the
    /// first epoch; over 992 steps it does not collapse and leaves the floor (docs/profiles.md). The report prints each run's steps.
    /// </summary>
    public static JsonObject MethodLayer(string profile, MethodSpec method, string? backbone)
    {
        var layer = new JsonObject();
        if (profile is Smoke or Quick or Standard) layer["method"] = CpuHeads(method.Defaults);
        if (profile is Quick or Standard && method == MethodRegistry.Supervised)
        {
            layer["method"]!["class_balanced_batches"] = true;
            if (profile == Standard) layer["epochs"] = 16; // 496 steps of 64
            else if (backbone != Backbones.BackboneConfig.VitTiny) layer["epochs"] = 24; // 744 steps of 32
        }
        if (profile == Standard && method == MethodRegistry.Byol) layer["epochs"] = 32; // 992 steps of 64
        return layer;
    }

    /// <summary>
    /// Pretraining defect shares of the imbalance grid. Quick keeps three of the paper's five (1, 5 and 45 %: both ends and
    /// the middle) to fit half an hour on two cores; the others run all five.
    /// </summary>
    public static IReadOnlyList<double> TrainShares(string profile) => profile == Quick ? [1, 5, 45] : Grids.PaperTrainShares;

    /// <summary>
    /// The cells the study's answer is read from, which a sweep runs with several seeds by default: on standard, ResNet-18
    /// at 5 % and 45 % (every method, the floor and the supervised ceiling), 3 seeds, so that their intervals cover the
    /// training run and not only the choice of images. None on the other profiles (quick learns too little to answer,
    /// paper is a GPU's budget).
    /// </summary>
    public static HeadlineCells? Headline(string profile) =>
        profile == Standard ? new HeadlineCells([Backbones.BackboneConfig.ResNet18], [5, 45], 3) : null;

    /// <summary>Input sizes of the resolution ablation (Table 2): the paper's on the paper profile, small ones on a CPU.</summary>
    public static IReadOnlyList<int> AblationResolutions(string profile) => profile switch
    {
        Smoke => [16, 32],
        Quick => [16, 32, 64],
        _ => [64, 128, 224, 384, 512],
    };

    /// <summary>Backbones of the resolution ablation (the paper: both; smoke keeps one).</summary>
    public static IReadOnlyList<string> AblationBackbones(string profile) =>
        profile == Smoke ? [Backbones.BackboneConfig.ResNet18] : Backbones.BackboneConfig.Names;

    /// <summary>The augmentation ablation of Figure 3: min_scale (rows) x t_val (columns), coarser on a CPU.</summary>
    public static (IReadOnlyList<double> MinScales, IReadOnlyList<double> TVals) AugmentationGrid(string profile) => profile switch
    {
        Smoke => ([0.08, 0.71], [0.1, 0.8]),
        Quick => ([0.08, 0.395, 0.71], [0.1, 0.45, 0.8]),
        _ => ([0.08, 0.185, 0.29, 0.395, 0.5, 0.605, 0.71], [0.1, 0.275, 0.45, 0.625, 0.8]),
    };

    /// <summary>
    /// What the notebooks add to smoke, so that every notebook together runs in a few minutes on two cores in CI: tiny
    /// subsets and two short epochs. One libtorch thread: for tensors this small a second thread only adds
    /// synchronisation, and on a shared machine OpenMP's spinning threads cost several times the work. Kept as --set
    /// pairs because a notebook's sweep.json records them, so that `ssl-anomaly sweep` on its folder builds the same runs.
    /// </summary>
    public static IReadOnlyList<string> NotebookSets(string profile) => profile == Smoke
        ? ["train_size=96", "val_size=60", "epochs=2", "batch_size=16", "checkpoint_every_steps=1000", "monitor_samples=64",
           "embedded.train=400", "embedded.val=400", "embedded.test=400", "probe.bootstrap_samples=20", "threads=1"]
        : [];

    /// <summary>The notebooks' imbalance sweep: smoke keeps two methods on one backbone.</summary>
    public static IReadOnlyList<string> NotebookMethods(string profile) =>
        profile == Smoke ? [MethodRegistry.Supervised.Name, MethodRegistry.SimClr.Name] : MethodRegistry.Names;

    public static IReadOnlyList<string> NotebookBackbones(string profile) =>
        profile == Smoke ? [Backbones.BackboneConfig.ResNet18] : Backbones.BackboneConfig.Names;

    /// <summary>The embedded data of the CPU profiles: rendered at 64 px, defects 2.5x generator v1's size.</summary>
    static JsonObject CpuData() => new JsonObject { ["resolution"] = 64, ["defect_scale"] = 2.5 };

    /// <summary>The CPU profiles' heads (projectors, DINO's head, MAE's decoder): 4-16x narrower than solo-learn's, to fit tiny images and short runs.</summary>
    static JsonObject CpuHeads(MethodConfig method) => method switch
    {
        ByolConfig => new JsonObject { ["projector_hidden_dim"] = 512, ["projector_output_dim"] = 128, ["predictor_hidden_dim"] = 512 },
        ProjectorMethodConfig => new JsonObject { ["projector_hidden_dim"] = 512, ["projector_output_dim"] = 128 },
        DinoConfig => new JsonObject { ["dino_hidden_dim"] = 512, ["dino_bottleneck_dim"] = 128, ["dino_prototypes"] = 1024 },
        MaeConfig => new JsonObject { ["mae_decoder_dim"] = 128, ["mae_decoder_depth"] = 2, ["mae_decoder_heads"] = 4 },
        _ => new JsonObject(),
    };

    /// <summary>
    /// The CPU profiles' optimiser change, for every method: LARS without solo-learn's clip_lr. Its recipes pair the cap
    /// with batch 256 and full-width heads; at batch 64 with the CPU heads it made Barlow Twins' projector collapse
    /// (projector RankMe 2.8 of 128, loss climbing back from 3.4 to 6.0; natural-split F1 0.588 against 0.721 without the
    /// cap) and moved SimCLR and BYOL by less than their intervals (docs/profiles.md).
    /// </summary>
    static JsonObject CpuOptimizer() => new JsonObject { ["lars_clip_lr"] = false };
}

/// <summary>Cells of the imbalance grid (backbones x train shares) that a sweep runs with <see cref="Seeds"/> seeds.</summary>
public sealed record HeadlineCells(IReadOnlyList<string> Backbones, IReadOnlyList<double> TrainShares, int Seeds)
{
    public bool Contains(string backbone, double trainShare) => Backbones.Contains(backbone) && TrainShares.Contains(trainShare);
}
