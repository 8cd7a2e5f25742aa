using System.Text.Json;
using System.Text.Json.Serialization;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Util;

namespace SslAnomaly.Experiments;

/// <summary>
/// One experiment of a sweep, typed: its index (the Slurm array index), identity, and what it changes on top of the
/// profile (<see cref="Configure"/>). A run gets this, never command-line text.
/// </summary>
/// <param name="ProbeDefectPct">A probe share held fixed across train shares (null: the probe trains at the train share).</param>
public sealed record SweepEntry(int Index, string Method, string Backbone, double TrainDefectPct, int Seed, double? ProbeDefectPct = null)
{
    /// <summary>Resolution ablation: the input size, with every augmentation but the resize off.</summary>
    public int? Resolution { get; init; }
    /// <summary>Resolution ablation on the embedded data: frames rendered at the grid's largest size (at least the profile's), so every run resizes down.</summary>
    public int? EmbeddedResolution { get; init; }
    /// <summary>Augmentation ablation: RandomResizedCrop's min_scale and ColorJitter's t_val.</summary>
    public double? MinScale { get; init; }
    public double? TVal { get; init; }

    /// <summary>The run folder's name: "simclr-resnet18-t5-s0", "supervised-resnet18-r32", "supervised-resnet18-ms0.08-t0.1" (ablations name seed 0 by omission).</summary>
    public string RunName =>
        Resolution is { } resolution ? $"{Method}-{Backbone}-r{resolution}{AblationSeed}"
        : MinScale is { } scale && TVal is { } tval ? $"{Method}-{Backbone}-ms{Grids.Number(scale)}-t{Grids.Number(tval)}{AblationSeed}"
        : $"{Method}-{Backbone}-t{Grids.Number(TrainDefectPct)}-s{Seed}" + (ProbeDefectPct is { } p ? $"-p{Grids.Number(p)}" : "");

    string AblationSeed => Seed == 0 ? "" : $"-s{Seed}";

    /// <summary>The entry's identity as config choices (above the profile and the shared config file).</summary>
    public ExperimentChoices Choices(string? dataRoot) =>
        new() { Method = Method, Backbone = Backbone, TrainDefectPct = TrainDefectPct, Seed = Seed, DataRoot = dataRoot };

    /// <summary>
    /// The entry's changes to a config built for its choices, applied last so that no shared --set undoes them (the fixed
    /// probe share, the ablated setting); then the config is completed and validated again.
    /// </summary>
    public ExperimentConfig Configure(ExperimentConfig config)
    {
        if (ProbeDefectPct is { } probe) config = config with { ProbeDefectPct = probe };
        if (Resolution is { } resolution)
            config = config with
            {
                Resolution = resolution,
                Augmentation = config.Augmentation with { MinScale = 1, JitterProbability = 0, GrayscaleProbability = 0, FlipProbability = 0 },
                Embedded = config.DataRoot is null && EmbeddedResolution is { } frames
                    ? config.Embedded with { Resolution = Math.Max(frames, config.Embedded.Resolution) }
                    : config.Embedded,
            };
        if (MinScale is { } scale) config = config with { Augmentation = config.Augmentation with { MinScale = scale } };
        if (TVal is { } tval) config = config with { Augmentation = config.Augmentation with { TVal = tval } };
        return ExperimentConfigBuilder.Complete(config);
    }
}

/// <summary>
/// A sweep: one of the <see cref="Grids"/> at a profile, with the shared data root, config file and --set pairs. The
/// imbalance grid carries its random-init floor (one per backbone, train share and seed: its probe set follows the
/// probe share, so the floor does too). The plan is written to sweep.json so that every later invocation, and every
/// Slurm array task, sees the same indices.
/// </summary>
public sealed record SweepPlan
{
    public const string PlanFile = "sweep.json";

    public string Grid { get; init; } = Grids.Quick;
    public string Profile { get; init; } = Profiles.Quick;
    public IReadOnlyList<string> Methods { get; init; } = MethodRegistry.Names;
    public IReadOnlyList<string> Backbones { get; init; } = BackboneConfig.Names;
    public IReadOnlyList<double> TrainDefectPcts { get; init; } = Grids.PaperTrainShares;
    public int Seed { get; init; }
    /// <summary>Seeds Seed .. Seed + Seeds - 1 of every experiment.</summary>
    public int Seeds { get; init; } = 1;
    /// <summary>Seeds of the profile's headline cells (<see cref="Profiles.Headline"/>), at least <see cref="Seeds"/>; 1 on profiles without them.</summary>
    public int HeadlineSeeds { get; init; } = 1;
    /// <summary>A probe share held fixed while the train share moves (the fixed-probe panel); null: probe at the train share.</summary>
    public double? ProbeDefectPct { get; init; }
    public string? DataRoot { get; init; }
    public string? ConfigFile { get; init; }
    public IReadOnlyList<string> Sets { get; init; } = [];
    public IReadOnlyList<SweepEntry> Entries { get; init; } = [];

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static SweepPlan Create(string grid, string? profile, IReadOnlyList<string>? methods, IReadOnlyList<string>? backbones,
        int seed, string? dataRoot, string? configFile, IReadOnlyList<string>? sets, int seeds = 1, double? probeDefectPct = null, int? headlineSeeds = null)
    {
        if (!Grids.Names.Contains(grid)) throw new UserInputException($"unknown grid '{grid}' (valid: {string.Join(", ", Grids.Names)}).");
        if (seeds < 1) throw new UserInputException($"--seeds {seeds} must be at least 1.");
        if (headlineSeeds is < 1) throw new UserInputException($"--headline-seeds {headlineSeeds} must be at least 1.");
        if (probeDefectPct is { } probe && !(probe > 0 && probe < 100))
            throw new UserInputException($"--probe-defect-pct {probe} is outside (0, 100).");
        string chosenProfile = profile ?? Grids.DefaultProfile(grid);
        var chosenMethods = methods is { Count: > 0 } ? methods : MethodRegistry.Names;
        var chosenBackbones = backbones is { Count: > 0 } ? backbones : BackboneConfig.Names;
        foreach (var m in chosenMethods.Where(m => MethodRegistry.Find(m) is null))
            throw new UserInputException($"--methods: unknown method '{m}' (valid: {string.Join(", ", MethodRegistry.Names)}).");
        foreach (var b in chosenBackbones.Where(b => !BackboneConfig.Names.Contains(b)))
            throw new UserInputException($"--backbones: unknown backbone '{b}' (valid: {string.Join(", ", BackboneConfig.Names)}).");
        IReadOnlyList<SweepEntry> entries;
        HeadlineCells? headline = null;
        if (Grids.IsAblation(grid))
        {
            // The ablations train the supervised baseline only, as in the paper; a method filter cannot change that.
            if (methods is { Count: > 0 } && methods.Any(m => m != MethodRegistry.Supervised.Name))
                throw new UserInputException($"--grid {grid} trains the supervised baseline only; leave --methods out.");
            if (probeDefectPct is not null) throw new UserInputException($"--probe-defect-pct belongs to the imbalance grid, not to --grid {grid}.");
            chosenMethods = [MethodRegistry.Supervised.Name];
            chosenBackbones = grid == Grids.Resolution
                ? Profiles.AblationBackbones(chosenProfile).Where(b => backbones is not { Count: > 0 } || backbones.Contains(b)).ToList()
                : [BackboneConfig.ResNet18];
            entries = grid == Grids.Resolution
                ? Grids.ResolutionAblation(chosenProfile, chosenBackbones, seed, seeds)
                : Grids.AugmentationAblation(chosenProfile, seed, seeds);
        }
        else
        {
            // Every imbalance sweep carries its floor: without it no cell can say whether pretraining helped.
            if (!chosenMethods.Contains(RandomInit.Name)) chosenMethods = [.. chosenMethods, RandomInit.Name];
            headline = Profiles.Headline(chosenProfile) is { } cells ? cells with { Seeds = headlineSeeds ?? cells.Seeds } : null;
            entries = Grids.Imbalance(chosenMethods, chosenBackbones, Profiles.TrainShares(chosenProfile), seed, seeds, probeDefectPct, headline);
        }
        if (entries.Count == 0)
        {
            var limits = chosenMethods.Select(MethodRegistry.Get).Where(m => m.Backbones is not null).Select(m => $"{m.Name} runs only on {string.Join(", ", m.AcceptedBackbones)}");
            throw new UserInputException($"the sweep is empty ({string.Join("; ", limits)}).");
        }
        return new SweepPlan
        {
            Grid = grid,
            Profile = chosenProfile,
            Methods = chosenMethods.ToList(), Backbones = chosenBackbones.ToList(), Seed = seed, Seeds = seeds, ProbeDefectPct = probeDefectPct,
            HeadlineSeeds = Math.Max(seeds, headline?.Seeds ?? 1),
            TrainDefectPcts = Grids.IsAblation(grid) ? [Grids.AblationTrainDefectPct] : Profiles.TrainShares(chosenProfile),
            DataRoot = dataRoot is null ? null : Path.GetFullPath(dataRoot),
            ConfigFile = configFile is null ? null : Path.GetFullPath(configFile),
            Sets = sets?.ToList() ?? [], Entries = entries,
        };
    }

    const string RunsFolder = "runs";
    public static string RunsDirectory(string sweepDir) => Path.Combine(sweepDir, RunsFolder);
    public string RunDirectoryOf(string sweepDir, SweepEntry e) => Path.Combine(RunsDirectory(sweepDir), e.RunName);

    /// <summary>The sweep folder a run folder lies in, where <see cref="RunDirectoryOf"/> puts runs (SWEEP/runs/NAME beside
    /// SWEEP/sweep.json); null for a run folder anywhere else (a single `run`, a notebook's own folders).</summary>
    public static string? SweepDirectoryOf(string runDirectory)
    {
        if (runDirectory.Length == 0) return null;
        var runs = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)));
        if (runs is null || Path.GetFileName(runs) != RunsFolder) return null;
        var sweep = Path.GetDirectoryName(runs);
        return sweep is not null && File.Exists(Path.Combine(sweep, PlanFile)) ? sweep : null;
    }

    /// <summary>The entry of this plan whose run folder <paramref name="runDirectory"/> is (by its name); null when the plan names none.</summary>
    public SweepEntry? EntryOf(string runDirectory)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)));
        return Entries.FirstOrDefault(e => e.RunName == name);
    }

    /// <summary>Writes the plan, or checks that the folder's existing plan is the same sweep.</summary>
    public SweepPlan SaveOrVerify(string sweepDir)
    {
        var path = Path.Combine(sweepDir, PlanFile);
        if (File.Exists(path))
        {
            var existing = Load(sweepDir);
            if (JsonSerializer.Serialize(existing, Json) != JsonSerializer.Serialize(this, Json))
                throw new UserInputException($"{path} describes a different sweep (grid, methods, backbones, profile, data or settings differ); use another --out.");
            return existing;
        }
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return this;
    }

    public static SweepPlan Load(string sweepDir)
    {
        var path = Path.Combine(sweepDir, PlanFile);
        if (!File.Exists(path)) throw new UserInputException($"{sweepDir} holds no {PlanFile}: not a sweep directory.");
        try
        {
            return JsonSerializer.Deserialize<SweepPlan>(File.ReadAllText(path), Json)
                ?? throw new UserInputException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            // The report reads the plans of every sweep folder it is given: one broken file must name itself.
            throw new UserInputException($"{path} is not a sweep plan: {e.Message}", e);
        }
    }

    /// <summary>The config of one entry: the profile, the shared config file and --set pairs, the entry's choices, then its own changes.</summary>
    public ExperimentConfig Config(SweepEntry e) =>
        e.Configure(ExperimentConfigBuilder.Build(Profile, ConfigFile, e.Choices(DataRoot), Sets));

    /// <summary>
    /// The child command line of every sweep experiment, local or a Slurm array task, without the index value that
    /// follows it: `ssl-anomaly sweep task --out DIR --index`. The task reads its entry from sweep.json.
    /// </summary>
    public static IReadOnlyList<string> TaskArguments(string sweepDir) => ["sweep", "task", "--out", sweepDir, "--index"];
}
