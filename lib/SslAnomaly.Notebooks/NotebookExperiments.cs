using System.Diagnostics;
using SslAnomaly.Data;
using SslAnomaly.Methods;

namespace SslAnomaly.Notebooks;

/// <summary>
/// What the notebooks run, for the current profile, in one stable folder per profile: one experiment, the
/// imbalance sweep (shared by 02, 03, 04 and 06), and the two ablations of Appendix A (05). Every call runs
/// what is missing and reuses what is finished: run folders are the CLI's own (config.json, metrics.csv,
/// result.json...), so `ssl-anomaly sweep`/`report` work on them too, and a notebook opened a second time
/// only reads. Runs execute in the notebook's process, one after the other.
/// Where no profile is asked for (SSL_ANOMALY_PROFILE unset) and no local runs exist, the notebooks show the committed
/// reference study instead (<see cref="Study"/>, results/standard or SSL_ANOMALY_STUDY): the imbalance sweep and its runs
/// come from it, nothing trains; the grids no sweep holds (the ablations, the selection grid) come from the study's
/// notebook-grids/ where it holds them current, and otherwise run at quick.
/// </summary>
public sealed class NotebookExperiments
{
    /// <summary>Overrides the output root (default: <c>out/&lt;profile&gt;</c> beside the notebooks).</summary>
    public const string OutputVariable = "SSL_ANOMALY_NOTEBOOK_OUT";
    /// <summary>A Sewer-ML root (CSVs + images); without it the embedded synthetic dataset is used (not in the paper profile).</summary>
    public const string DataRootVariable = "SSL_ANOMALY_DATA_ROOT";
    /// <summary>A published study to show (ssl-anomaly publish) instead of the repository's results/standard.</summary>
    public const string StudyVariable = PublishedStudy.EnvironmentVariable;
    /// <summary>The committed reference study, relative to the repository root.</summary>
    public const string CommittedStudy = PublishedStudy.Committed;

    public NotebookExperiments(string profile, string outputRoot, string? dataRoot = null, TextWriter? log = null)
        : this(profile, outputRoot, dataRoot, log, study: null)
    {
    }

    /// <summary>
    /// Shows <paramref name="study"/> (a published study): its profile is <see cref="Profile"/>, the sweep and its runs are
    /// read from it; the grids it lacks run at <paramref name="profile"/> under <paramref name="outputRoot"/>.
    /// </summary>
    public NotebookExperiments(string profile, string outputRoot, string? dataRoot, TextWriter? log, PublishedStudy? study)
    {
        Study = study;
        // A smoke study (CI) fills its gaps at smoke; any other at the profile asked for (quick by default), since the
        // study's own profile (standard, paper) would take hours for the ablations.
        Fresh = study is null ? null : FreshFor(study, profile, outputRoot, dataRoot, log);
        Committed = study is null || Fresh is null || !Directory.Exists(study.NotebookGrids(Fresh.Profile)) ? null
            : new NotebookExperiments(Fresh.Profile, study.NotebookGrids(Fresh.Profile), dataRoot, log) { readOnly = true };
        profile = study?.Profile ?? profile;
        Profile = NotebookProfile.Parse(profile);
        OutputRoot = Path.GetFullPath(outputRoot);
        DataRoot = dataRoot is null ? null : Path.GetFullPath(dataRoot);
        Log = log;
        if (Profile == Profiles.Paper && DataRoot is null)
            throw new UserInputException(
                $"the paper profile trains on Sewer-ML: set {DataRootVariable} to the folder that holds SewerML_Train.csv, SewerML_Val.csv and the images " +
                "(the embedded dataset is for the smoke and quick profiles).");
    }

    /// <summary>
    /// The profile from SSL_ANOMALY_PROFILE, the output root from SSL_ANOMALY_NOTEBOOK_OUT or out/&lt;profile&gt;. With
    /// SSL_ANOMALY_PROFILE unset and no finished run under the output root, the committed study when there is one
    /// (<see cref="FindStudy"/>): setting the profile is how a reader asks for fresh experiments.
    /// </summary>
    public static NotebookExperiments Current()
    {
        var profile = NotebookProfile.Current;
        var root = Environment.GetEnvironmentVariable(OutputVariable) is { Length: > 0 } overridden
            ? Path.Combine(overridden, profile)
            : Path.Combine("out", profile);
        var data = Environment.GetEnvironmentVariable(DataRootVariable) is { Length: > 0 } d ? d : null;
        bool profileAsked = Environment.GetEnvironmentVariable(NotebookProfile.EnvironmentVariable) is { Length: > 0 };
        var study = profileAsked || data is not null || HasFinishedRuns(root) ? null : FindStudy();
        return new NotebookExperiments(profile, root, data, null, study);
    }

    /// <summary>SSL_ANOMALY_STUDY when set (an error when it holds no study), else results/standard of the repository the
    /// notebook runs in (searched upwards from the working folder), else null.</summary>
    public static PublishedStudy? FindStudy()
    {
        if (Environment.GetEnvironmentVariable(StudyVariable) is { Length: > 0 } chosen)
            return PublishedStudy.TryRead(chosen) ?? throw new UserInputException($"{StudyVariable}={chosen} holds no published study (study.json and runs/, written by `ssl-anomaly publish`).");
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotebookSupport.sln")))
                return PublishedStudy.TryRead(Path.Combine(dir.FullName, CommittedStudy));
        return null;
    }

    /// <summary>Whether the notebooks' own imbalance sweep under <paramref name="root"/> has a finished run: what a study
    /// stands in for (the ablations run beside it even while a study is shown, so they do not count).</summary>
    static bool HasFinishedRuns(string root)
    {
        var sweep = Path.Combine(root, SweepFolder);
        return Directory.Exists(sweep) && Directory.EnumerateFiles(sweep, RunDirectory.ResultFile, SearchOption.AllDirectories).Any();
    }

    const string SweepFolder = "imbalance-sweep";

    /// <summary>
    /// The notebooks' own experiments beside a study, for the grids it lacks. Each profile keeps its own folder
    /// (out/&lt;profile&gt;), so a smoke study's gaps filled at smoke never land among quick runs.
    /// </summary>
    static NotebookExperiments FreshFor(PublishedStudy study, string profile, string outputRoot, string? dataRoot, TextWriter? log)
    {
        var fresh = study.Profile == Profiles.Smoke ? Profiles.Smoke : NotebookProfile.Parse(profile);
        var root = Path.GetFullPath(outputRoot);
        if (fresh != NotebookProfile.Parse(profile) && Path.GetFileName(root) == NotebookProfile.Parse(profile))
            root = Path.Combine(Path.GetDirectoryName(root)!, fresh);
        return new NotebookExperiments(fresh, root, dataRoot, log);
    }

    /// <summary>The published study the notebooks show, or null when they run (or reuse) their own experiments.</summary>
    public PublishedStudy? Study { get; }

    /// <summary>While showing a study: the notebooks' own experiments, for the grids the study lacks (null otherwise).</summary>
    public NotebookExperiments? Fresh { get; }

    /// <summary>While showing a study that holds the notebooks' grids at <see cref="Fresh"/>'s profile: those runs, read
    /// only (a grid is taken from them when every run of it is there and of the current configuration).</summary>
    NotebookExperiments? Committed { get; }

    /// <summary>Set on <see cref="Committed"/>: runs are read, never trained or written.</summary>
    bool readOnly;

    /// <summary>Thrown by a read-only experiments object for a run it does not hold finished and current.</summary>
    sealed class NotHeld(string message) : Exception(message);

    /// <summary>One line for the notebook's first cell: what it shows, and how to get the other.</summary>
    public string Describe() => Study is { } s
        ? $"showing the committed reference study {ShownPath(s.Folder)} ({s.Runs} runs, commit {s.ShortCommit}, profile {s.Profile ?? "mixed"}); " +
          $"set {NotebookProfile.EnvironmentVariable}=quick (or smoke, standard, paper) to run fresh experiments instead"
        : $"profile {Profile}; runs live in {OutputRoot}";

    /// <summary>A study inside the repository by its path from the root (results/standard), else in full.</summary>
    static string ShownPath(string folder)
    {
        for (var dir = new DirectoryInfo(folder).Parent; dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotebookSupport.sln")))
                return Path.GetRelativePath(dir.FullName, folder).Replace('\\', '/');
        return folder;
    }

    public string Profile { get; }
    public string OutputRoot { get; }
    public string? DataRoot { get; }
    /// <summary>Where progress lines go (default: the console, which the notebook shows under the cell).</summary>
    public TextWriter? Log { get; set; }
    TextWriter Out => Log ?? Console.Out;

    /// <summary>The --set overrides every run of this profile gets (<see cref="Profiles.NotebookSets"/>: empty outside smoke).</summary>
    /// <summary>While showing a study: the --set pairs its sweep ran with (its sweep.json), not the notebooks' own.</summary>
    public IReadOnlyList<string> Sets => Study is { } study
        ? File.Exists(Path.Combine(study.Folder, SweepPlan.PlanFile)) ? SweepPlan.Load(study.Folder).Sets : []
        : Profiles.NotebookSets(Profile);

    public string SweepDirectory => Path.Combine(OutputRoot, SweepFolder);
    public string AblationDirectory => Path.Combine(OutputRoot, StudyPublisher.AblationsFolder);

    /// <summary>The configuration `ssl-anomaly run` would build for these options under this profile.</summary>
    /// <remarks>While showing a study, the config its run of these options recorded, where it has one: what the study ran.</remarks>
    public ExperimentConfig Config(string method, string backbone, double trainDefectPct, int seed = 0) =>
        StudyRun(method, backbone, trainDefectPct, seed) is { } run
            ? RunReplication.ConfigOf(run.RunDirectory)
            : ExperimentConfigBuilder.Build(Profile, null,
                new ExperimentChoices { Method = method, Backbone = backbone, TrainDefectPct = trainDefectPct, Seed = seed, DataRoot = DataRoot }, Sets);

    /// <summary>The study's runs, read once (each is a result.json of about 200 kB).</summary>
    IReadOnlyList<RunResult> StudyRuns => studyRuns ??= Study?.ReadRuns() ?? [];
    IReadOnlyList<RunResult>? studyRuns;

    RunResult? StudyRun(string method, string backbone, double trainDefectPct, int seed) =>
        StudyRuns.FirstOrDefault(r => r.Method == method && r.Backbone == backbone && r.TrainDefectPct == trainDefectPct && r.Seed == seed);

    /// <summary>The dataset's root folder (the embedded one is rendered into its cache first if needed).</summary>
    public string DataRootPath()
    {
        var config = Config("supervised", "resnet18", 5);
        return config.DataRoot ?? EmbeddedDataset.Ensure(config.Embedded, Out);
    }

    /// <summary>The seed the embedded dataset was rendered with, or null when the data is Sewer-ML.</summary>
    public long? EmbeddedSeed => DataRoot is null ? Config("supervised", "resnet18", 5).Embedded.Seed : null;

    /// <summary>
    /// One experiment of the imbalance sweep (same folder, same config), run now if it has not finished: the
    /// sweep later finds it done. This is what 02 trains.
    /// </summary>
    public RunResult Pretrain(string method, string backbone, double trainDefectPct)
    {
        if (Study is { } study)
            return StudyRun(method, backbone, trainDefectPct, 0)
                ?? throw new UserInputException($"the committed study {study.Folder} has no {method} {backbone} run at {trainDefectPct} % (seed 0): set {NotebookProfile.EnvironmentVariable} to run it.");
        var plan = Plan(Grids.ImbalanceFor(Profile));
        var entry = new SweepEntry(0, method, backbone, trainDefectPct, 0);
        return Run(plan.RunDirectoryOf(SweepDirectory, entry), plan.Config(entry));
    }

    /// <summary>A grid of <see cref="Grids"/> at this profile, with the notebooks' data root and overrides: what `ssl-anomaly sweep` would run.</summary>
    public SweepPlan Plan(string grid, IReadOnlyList<string>? methods = null, IReadOnlyList<string>? backbones = null) =>
        SweepPlan.Create(grid, Profile, methods, backbones, 0, DataRoot, null, Sets);

    /// <summary>
    /// The paper's grid (methods x backbones x train shares 1, 2, 5, 15, 45 %; each run probed at every validation
    /// share), as `ssl-anomaly sweep` lays it out: sweep.json and runs/&lt;method&gt;-&lt;backbone&gt;-t&lt;pct&gt;-s0/.
    /// </summary>
    public ImbalanceSweep ImbalanceSweep()
    {
        if (Study is { } study)
        {
            var shown = StudyRuns;
            Out.WriteLine($"imbalance sweep: {Describe()}");
            return new ImbalanceSweep(study.Folder,
                MethodRegistry.Names.Where(m => shown.Any(r => r.Method == m)).ToList(),
                Backbones.BackboneConfig.AllNames.Where(b => shown.Any(r => r.Backbone == b)).ToList(),
                shown);
        }
        Directory.CreateDirectory(SweepDirectory);
        var plan = Plan(Grids.ImbalanceFor(Profile), Profiles.NotebookMethods(Profile), Profiles.NotebookBackbones(Profile)).SaveOrVerify(SweepDirectory);
        int done = plan.Entries.Count(e => RunDirectory.ReadStatus(plan.RunDirectoryOf(SweepDirectory, e)) is not null);
        Out.WriteLine($"imbalance sweep ({Profile}): {plan.Entries.Count} experiments ({string.Join(", ", plan.Methods)} x {string.Join(", ", plan.Backbones)} x train shares {string.Join(", ", plan.TrainDefectPcts)} %), {done} already finished");
        var clock = Stopwatch.StartNew();
        var runs = plan.Entries.Select(e => Run(plan.RunDirectoryOf(SweepDirectory, e), plan.Config(e), quietWhenReused: true)).ToList();
        if (done < plan.Entries.Count) Out.WriteLine($"sweep finished in {clock.Elapsed.TotalSeconds:F0} s");
        return new ImbalanceSweep(SweepDirectory, plan.Methods, plan.Backbones, runs);
    }

    /// <summary>The selection grid's folder: the study's copy once <see cref="SelectionGrid"/> has read it from there.</summary>
    public string SelectionGridDirectory => selectionGridFrom?.SelectionGridDirectory ?? Fresh?.SelectionGridDirectory ?? Path.Combine(OutputRoot, StudyPublisher.SelectionGridFolder);
    NotebookExperiments? selectionGridFrom;

    /// <summary>
    /// While showing a study: the grid from the study's own copy (<see cref="Committed"/>) when it holds all of it, of the
    /// current configuration; else says why and runs it, or reuses it, in the notebooks' own experiments (<see cref="Fresh"/>).
    /// </summary>
    T BesideStudy<T>(string what, Func<NotebookExperiments, T> grid, out NotebookExperiments source)
    {
        if (Committed is { } committed)
        {
            committed.Log = Log;
            try
            {
                var held = grid(committed);
                Out.WriteLine($"{what} ({committed.Profile}): read from the committed study, {ShownPath(committed.OutputRoot)}");
                source = committed;
                return held;
            }
            catch (NotHeld e)
            {
                Out.Write($"the committed study's {what} cannot be shown ({e.Message})");
            }
        }
        var fresh = Fresh!;
        fresh.Log = Log;
        Out.WriteLine($"{(Committed is null ? $"the committed study holds no {what}" : "")}: running it at the {fresh.Profile} profile into {fresh.OutputRoot} (finished runs are reused)");
        source = fresh;
        return grid(fresh);
    }

    /// <summary>SimCLR's temperatures of the selection grid (notebook 07): the paper's default 0.2 and one on each side.</summary>
    public static readonly IReadOnlyList<double> SelectionTemperatures = [0.1, 0.2, 0.5];

    /// <summary>
    /// A small hyper-parameter grid for model selection without labels (notebook 07): SimCLR on ResNet-18 at 5 % defects,
    /// one run per temperature, each probed at every epoch (<see cref="EpochProbeMonitor"/>) so that a label-free metric
    /// can choose the epoch as well as the temperature. Finished runs are reused.
    /// </summary>
    public IReadOnlyList<RunResult> SelectionGrid()
    {
        if (Fresh is not null) return BesideStudy("selection grid", e => e.SelectionGrid(), out selectionGridFrom);
        var previous = Environment.GetEnvironmentVariable(EpochProbeMonitor.EnvironmentVariable);
        Environment.SetEnvironmentVariable(EpochProbeMonitor.EnvironmentVariable, "1");
        try
        {
            return SelectionGridRuns().Select(r => Run(Path.Combine(SelectionGridDirectory, r.Name), r.Config)).ToList();
        }
        finally
        {
            Environment.SetEnvironmentVariable(EpochProbeMonitor.EnvironmentVariable, previous);
        }
    }

    /// <summary>The selection grid's runs at this profile: folder name and configuration, one per temperature.</summary>
    public IReadOnlyList<(string Name, ExperimentConfig Config)> SelectionGridRuns() =>
        SelectionTemperatures.Select(t => ($"simclr-resnet18-t5-temperature{F(t)}", ExperimentConfigBuilder.Build(Profile, null,
            new ExperimentChoices { Method = "simclr", Backbone = "resnet18", TrainDefectPct = 5, DataRoot = DataRoot },
            [.. Sets, $"method.temperature={F(t)}"]))).ToList();

    /// <summary>
    /// Table 2 (<see cref="Grids.ResolutionAblation"/>): the supervised baseline with no augmentation but the resize, at
    /// each of the profile's resolutions and backbones. On the embedded data the frames are rendered at the largest
    /// resolution and every run resizes them down.
    /// </summary>
    public IReadOnlyList<RunResult> ResolutionAblation()
    {
        if (Fresh is not null) return BesideStudy("resolution ablation", e => e.ResolutionAblation(), out _);
        var plan = Plan(Grids.Resolution);
        Out.WriteLine($"resolution ablation ({Profile}): supervised, no augmentation but resize, {string.Join(", ", plan.Entries.Select(e => e.Resolution).Distinct())} px x {string.Join(", ", plan.Backbones)}");
        return plan.Entries.Select(e => Run(Path.Combine(AblationDirectory, Grids.Resolution, e.RunName), plan.Config(e))).ToList();
    }

    /// <summary>Figure 3 (<see cref="Grids.AugmentationAblation"/>): the supervised ResNet-18 with the paper's pipeline at each (min_scale, t_val).</summary>
    public IReadOnlyList<AugmentationRun> AugmentationAblation()
    {
        if (Fresh is not null) return BesideStudy("augmentation ablation", e => e.AugmentationAblation(), out _);
        var plan = Plan(Grids.Augmentation);
        var (scales, tvals) = Profiles.AugmentationGrid(Profile);
        Out.WriteLine($"augmentation ablation ({Profile}): supervised resnet18, min_scale {string.Join(", ", scales.Select(F))} x t_val {string.Join(", ", tvals.Select(F))}");
        return plan.Entries.Select(e => new AugmentationRun(e.MinScale!.Value, e.TVal!.Value,
            Run(Path.Combine(AblationDirectory, Grids.Augmentation, e.RunName), plan.Config(e)))).ToList();
    }

    /// <summary>
    /// Runs one experiment into <paramref name="directory"/> unless it already finished there, and returns its
    /// summary. A finished folder made with a different configuration is an error: delete it to run again.
    /// </summary>
    public RunResult Run(string directory, ExperimentConfig config, bool quietWhenReused = false)
    {
        var name = Path.GetFileName(Path.GetFullPath(directory));
        var configPath = Path.Combine(directory, RunDirectory.ConfigFile);
        if (readOnly)
        {
            if (RunDirectory.ReadStatus(directory) is null) throw new NotHeld($"{name} is not among its finished runs");
            if (!RunDirectory.HoldsExperiment(directory, config)) throw new NotHeld($"{name} ran with another configuration than the current code builds");
            return RunResult.TryRead(directory)!.OnReportedSplit();
        }
        // Another process (a second notebook, `ssl-anomaly sweep`) may be running this experiment: wait for it.
        bool announced = false;
        while (RunDirectory.ReadStatus(directory) is null)
        {
            using (var probe = RunDirectory.TryOpen(directory))
                if (probe is not null) break;
            if (!announced) Out.WriteLine($"{name}: another process is running it; waiting");
            announced = true;
            Thread.Sleep(2000);
        }
        if (RunDirectory.ReadStatus(directory) is not null)
        {
            if (File.Exists(configPath) && !RunDirectory.HoldsExperiment(directory, config))
                throw new UserInputException($"{directory} holds a finished run of a different configuration (the profile's settings changed?); delete the folder to run it again.");
            if (!quietWhenReused) Out.WriteLine($"{name}: reused (finished earlier)");
            return RunResult.TryRead(directory)!.OnReportedSplit();
        }
        var clock = Stopwatch.StartNew();
        var outcome = ExperimentRunner.Run(config, directory, force: false, new QuietProgress());
        // Notebooks show the held-out test split where the run scored it, as the report does.
        var summary = (RunResult.TryRead(directory) ?? throw new InvalidOperationException($"{name} did not finish: {outcome.Message}")).OnReportedSplit();
        var natural = summary.Metric(Eval.ImbalanceGrid.NaturalKey, Metric.F1) is { } f1 ? $"; F1 on the natural {summary.ScoredSplit.Id()} split {f1.ToString("0.000", CultureInfo.InvariantCulture)}" : "";
        Out.WriteLine($"{name}: {summary.Status.Name()} in {clock.Elapsed.TotalSeconds:F1} s{natural}{(summary.FailureReason is { } r ? $" ({r})" : "")}");
        return summary;
    }

    static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs report one line when they end; stages and steps stay out of the notebook.</summary>
    sealed class QuietProgress : IRunProgress
    {
        public void Stage(string message) { }
        public void Training(long step, long totalSteps, int epochs, double loss, double imagesPerSecond) { }
    }
}

/// <summary>The imbalance sweep's folder, its methods and backbones, and every run's summary.</summary>
public sealed record ImbalanceSweep(string Directory, IReadOnlyList<string> Methods, IReadOnlyList<string> Backbones, IReadOnlyList<RunResult> Runs)
{
    public IReadOnlyList<RunResult> Completed => Runs.Where(r => r.IsCompleted).ToList();

    /// <summary>The completed runs of the self-supervised methods (RankMe is a monitor of self-supervised training); the
    /// random-init floor trained nothing and is left out with the supervised ceiling.</summary>
    public IReadOnlyList<RunResult> SelfSupervised => Completed.Where(r => MethodRegistry.IsSelfSupervised(r.Method)).ToList();
}
