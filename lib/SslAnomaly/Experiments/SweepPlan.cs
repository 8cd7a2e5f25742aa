using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Util;

namespace SslAnomaly.Experiments;

/// <summary>One experiment of a sweep: its index (the Slurm array index) and its run folder.</summary>
/// <param name="ProbeDefectPct">A probe share held fixed across train shares (null: the probe trains at the train share).</param>
public sealed record SweepEntry(int Index, string Method, string Backbone, double TrainDefectPct, int Seed, double? ProbeDefectPct = null)
{
    public string RunName => $"{Method}-{Backbone}-t{TrainDefectPct.ToString(CultureInfo.InvariantCulture)}-s{Seed}" +
                             (ProbeDefectPct is { } p ? $"-p{p.ToString(CultureInfo.InvariantCulture)}" : "");
}

/// <summary>
/// The paper's grid: methods x backbones x train defect shares x seeds (each run then probes every validation
/// share). Pairs a method cannot train (MAE x ResNet-18, <see cref="MethodSpec.Accepts"/>) are left out, as in the paper.
/// The random-init floor is in every sweep (one per backbone, train share and seed: its probe set follows the probe
/// share, so the floor does too). The plan is written to sweep.json so that every later invocation, and every Slurm
/// array task, sees the same indices.
/// </summary>
public sealed record SweepPlan
{
    public const string PlanFile = "sweep.json";
    public static readonly IReadOnlyList<double> PaperTrainShares = [1, 2, 5, 15, 45];
    public static readonly IReadOnlyList<string> Grids = ["paper", "quick"];

    public string Grid { get; init; } = "quick";
    public string Profile { get; init; } = Profiles.Quick;
    public IReadOnlyList<string> Methods { get; init; } = MethodRegistry.Names;
    public IReadOnlyList<string> Backbones { get; init; } = BackboneConfig.Names;
    public IReadOnlyList<double> TrainDefectPcts { get; init; } = PaperTrainShares;
    public int Seed { get; init; }
    /// <summary>Seeds Seed .. Seed + Seeds - 1 of every experiment.</summary>
    public int Seeds { get; init; } = 1;
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
        int seed, string? dataRoot, string? configFile, IReadOnlyList<string>? sets, int seeds = 1, double? probeDefectPct = null)
    {
        if (!Grids.Contains(grid)) throw new UserInputException($"unknown grid '{grid}' (valid: {string.Join(", ", Grids)}).");
        if (seeds < 1) throw new UserInputException($"--seeds {seeds} must be at least 1.");
        if (probeDefectPct is { } probe && !(probe > 0 && probe < 100))
            throw new UserInputException($"--probe-defect-pct {probe} is outside (0, 100).");
        var chosenMethods = methods is { Count: > 0 } ? methods : MethodRegistry.Names;
        var chosenBackbones = backbones is { Count: > 0 } ? backbones : BackboneConfig.Names;
        foreach (var m in chosenMethods.Where(m => MethodRegistry.Find(m) is null))
            throw new UserInputException($"--methods: unknown method '{m}' (valid: {string.Join(", ", MethodRegistry.Names)}).");
        foreach (var b in chosenBackbones.Where(b => !BackboneConfig.Names.Contains(b)))
            throw new UserInputException($"--backbones: unknown backbone '{b}' (valid: {string.Join(", ", BackboneConfig.Names)}).");
        // Every sweep carries its floor: without it no cell can say whether pretraining helped.
        if (!chosenMethods.Contains(SslAnomaly.Methods.RandomInit.Name)) chosenMethods = [.. chosenMethods, SslAnomaly.Methods.RandomInit.Name];
        var entries = new List<SweepEntry>();
        foreach (var method in chosenMethods)
            foreach (var backbone in chosenBackbones)
            {
                if (!MethodRegistry.Get(method).Accepts(backbone)) continue; // MAE x ResNet-18: blank in the paper too
                foreach (var share in PaperTrainShares)
                    for (int s = seed; s < seed + seeds; s++)
                        entries.Add(new SweepEntry(entries.Count, method, backbone, share, s, probeDefectPct));
            }
        if (entries.Count == 0)
        {
            var limits = chosenMethods.Select(MethodRegistry.Get).Where(m => m.Backbones is not null).Select(m => $"{m.Name} runs only on {string.Join(", ", m.AcceptedBackbones)}");
            throw new UserInputException($"the sweep is empty ({string.Join("; ", limits)}).");
        }
        return new SweepPlan
        {
            Grid = grid,
            Profile = profile ?? (grid == "paper" ? Profiles.Paper : Profiles.Quick),
            Methods = chosenMethods.ToList(), Backbones = chosenBackbones.ToList(), Seed = seed, Seeds = seeds, ProbeDefectPct = probeDefectPct,
            DataRoot = dataRoot is null ? null : Path.GetFullPath(dataRoot),
            ConfigFile = configFile is null ? null : Path.GetFullPath(configFile),
            Sets = sets?.ToList() ?? [], Entries = entries,
        };
    }

    public static string RunsDirectory(string sweepDir) => Path.Combine(sweepDir, "runs");
    public string RunDirectoryOf(string sweepDir, SweepEntry e) => Path.Combine(RunsDirectory(sweepDir), e.RunName);

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
        return JsonSerializer.Deserialize<SweepPlan>(File.ReadAllText(path), Json)
            ?? throw new UserInputException($"{path} is empty.");
    }

    /// <summary>The `ssl-anomaly run` arguments of one entry.</summary>
    public IReadOnlyList<string> RunArguments(string sweepDir, SweepEntry e)
    {
        var args = new List<string>
        {
            "run", "--method", e.Method, "--backbone", e.Backbone,
            "--train-defect-pct", e.TrainDefectPct.ToString(CultureInfo.InvariantCulture),
            "--profile", Profile, "--seed", e.Seed.ToString(CultureInfo.InvariantCulture),
            "--out", RunDirectoryOf(sweepDir, e),
        };
        if (DataRoot is not null) args.AddRange(["--data-root", DataRoot]);
        if (ConfigFile is not null) args.AddRange(["--config", ConfigFile]);
        foreach (var s in Sets) args.AddRange(["--set", s]);
        // Last, so that a shared --set cannot silently undo the sweep's fixed probe share.
        if (e.ProbeDefectPct is { } probe) args.AddRange(["--set", $"probe_defect_pct={probe.ToString(CultureInfo.InvariantCulture)}"]);
        return args;
    }
}
