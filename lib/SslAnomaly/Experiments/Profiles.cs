using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>
/// Named presets of an experiment's scale. <c>smoke</c>: one experiment in seconds (tests, CI, notebooks in CI).
/// <c>quick</c>: the imbalance grid at three of the five train shares on the embedded data on 2 CPU cores within half an hour: enough for the supervised
/// ceiling to learn, too short for most SSL cells to leave the random-init floor (the report says which).
/// <c>standard</c>: the same data with 4x the pretraining (BYOL 16x), where the joint-embedding methods beat the floor
/// (the ResNet-18 runs at 45 % that show it take under an hour on 2 cores, BYOL's longer; the whole grid of 89 runs, headline seeds included,
/// needs at least 5.5 hours of arithmetic on 2 cores and about twice that in practice (docs/profiles.md), so split it with --parallel or
/// --slurm, or let it resume across sessions). <c>paper</c>: Sewer-ML at 224 px on a GPU with
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
///
/// A profile is a scale shared by every method; what a method runs with on it (heads, optimiser, its own epochs) is its
/// recipe, one file per method in Experiments/Recipes/ (<see cref="MethodRecipe"/>).
/// </summary>
public static class Profiles
{
    public const string Smoke = "smoke", Quick = "quick", Standard = "standard", Paper = "paper";
    public static readonly IReadOnlyList<string> Names = [Smoke, Quick, Standard, Paper];

    /// <summary>
    /// The profile's experiment before a method's recipe (<see cref="MethodRecipe"/>, which sets the method's section, its
    /// optimiser and any epochs of its own): sizes, resolution, stems, probe and data.
    /// </summary>
    public static ExperimentConfig Scale(string profile) => profile switch
    {
        Smoke => new()
        {
            Profile = Smoke, Resolution = 32, Stem = "imagenet", PatchSize = 8,
            TrainSize = 256, ValSize = 200, ValNaturalSize = 600, Epochs = 2, BatchSize = 32,
            CheckpointEverySteps = 4, MonitorSamples = 128,
            Probe = new() { BootstrapSamples = 200, MaxIterations = 100 },
            Embedded = new() { Resolution = 32 },
        },
        Quick => new()
        {
            Profile = Quick, Resolution = 64, Stem = "imagenet", PatchSize = 16,
            TrainSize = 1000, ValSize = 1000, ValNaturalSize = 1000, Epochs = 2, BatchSize = 32,
            CheckpointEverySteps = 50, MonitorSamples = 256,
            Probe = new() { BootstrapSamples = 200, MaxIterations = 200 },
            Embedded = CpuData,
        },
        // Quick's data and images with twice the subset, 4x the pretraining steps, subsets large enough for 30 defects at
        // 1 %, and more bootstrap draws.
        Standard => Scale(Quick) with
        {
            Profile = Standard, TrainSize = 2000, ValSize = 3000, ValNaturalSize = 2000, Epochs = 8, BatchSize = 64,
            MonitorSamples = 512, Probe = new() { BootstrapSamples = 500, MaxIterations = 200 },
        },
        Paper => new()
        {
            Profile = Paper, Resolution = 224, Stem = "auto", PatchSize = 16,
            TrainSize = 200_000, ValSize = 20_000, Epochs = 100, BatchSize = 256,
            CheckpointEverySteps = 1000, MonitorSamples = 25_600, DecodedCache = false,
            Probe = new() { BootstrapSamples = 1000, MaxIterations = 500 },
        },
        _ => throw Unknown(profile),
    };

    public static UserInputException Unknown(string profile) => new($"unknown profile '{profile}' (valid: {string.Join(", ", Names)}).");

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
    static SyntheticDataSettings CpuData => new() { Resolution = 64, DefectScale = 2.5 };
}

/// <summary>Cells of the imbalance grid (backbones x train shares) that a sweep runs with <see cref="Seeds"/> seeds.</summary>
public sealed record HeadlineCells(IReadOnlyList<string> Backbones, IReadOnlyList<double> TrainShares, int Seeds)
{
    public bool Contains(string backbone, double trainShare) => Backbones.Contains(backbone) && TrainShares.Contains(trainShare);
}
