using System.Text.RegularExpressions;
using SslAnomaly.Backbones;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>The products one experiment's model runs: a training step of its method, and one image through its frozen backbone.</summary>
public readonly record struct ModelFlops(double StepFlops, double ForwardFlopsPerImage);

/// <summary>
/// One experiment of a study with the work it needs in FLOPs and, once finished, the time it took (<see cref="RunTimes"/>).
/// </summary>
/// <param name="FeatureRows">Images through the frozen backbone for the probe and the evaluated splits (null: unknown).</param>
/// <param name="Times">Null until the run has finished.</param>
public sealed record CostedRun(string Name, string Method, string Backbone, long Steps, ModelFlops Flops, double? FeatureRows, RunTimes? Times)
{
    public bool Finished => Times is not null;
    public double TrainingFlops => Steps * Flops.StepFlops;
    public double FeatureFlops => (FeatureRows ?? 0) * Flops.ForwardFlopsPerImage;
}

/// <summary>
/// What a study costs and what bounds it: each run's products from its config (<see cref="FlopCounter"/> on the model the
/// run builds, with the views its recipe makes), against the time its processes took. Dividing the products by the
/// machine's fp32 GEMM peak gives the least time any fp32 implementation of the same recipe could take on it: the part of a
/// study's time that no scheduling or kernel tuning removes, only fewer or cheaper products (fewer steps, bf16 where the
/// CPU has it).
/// </summary>
public static partial class GridCost
{
    /// <summary>
    /// The study in <paramref name="folder"/>: a sweep folder or published study (sweep.json and runs/), whose planned runs
    /// are costed from their configs whether they have finished or not; or a folder of run folders, whose finished runs
    /// are costed. A finished run's steps and feature rows are its own; an unfinished one's steps come from its config and
    /// its feature rows from the finished runs (they score the same splits), or stay unknown.
    /// </summary>
    public static IReadOnlyList<CostedRun> Read(string folder, Func<ExperimentConfig, ModelFlops> count)
    {
        if (!Directory.Exists(folder)) throw new BenchUsageException($"--runs {folder}: no such folder");
        bool isSweep = File.Exists(Path.Combine(folder, SweepPlan.PlanFile));
        var finished = RunResult.ReadAll(folder).Where(r => r.IsCompleted && r.Reference is null)
            .ToDictionary(r => Path.GetFullPath(r.RunDirectory), StringComparer.Ordinal);
        var runs = new List<CostedRun>();
        foreach (var r in finished.Values)
        {
            var config = RunReplication.ConfigOf(r.RunDirectory);
            string log = Path.Combine(r.RunDirectory, RunDirectory.LogFile);
            var times = RunTimes.Of(r);
            var rows = File.Exists(log) ? FeatureRows(File.ReadLines(log)) : null;
            runs.Add(new CostedRun(Path.GetFileName(r.RunDirectory), r.Method, r.Backbone, r.Steps, count(config), rows,
                times ?? new RunTimes([], 0, 0, r.OneClassSeconds, r.EvaluationSeconds, 0)));
        }
        if (isSweep)
        {
            var plan = SweepPlan.Load(folder);
            var rowsSeen = runs.Where(r => r.FeatureRows is not null).Select(r => r.FeatureRows!.Value).ToList();
            double? knownRows = rowsSeen.Count > 0 ? rowsSeen.Average() : null;
            foreach (var entry in plan.Entries.Where(e => !finished.ContainsKey(Path.GetFullPath(plan.RunDirectoryOf(folder, e)))))
            {
                var config = plan.Config(entry);
                runs.Add(new CostedRun(entry.RunName, entry.Method, entry.Backbone, PlannedSteps(config), count(config), knownRows, null));
            }
        }
        return runs.OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Backbone, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>A run's training steps as its config plans them: full batches of the pretraining subset, per epoch.</summary>
    public static long PlannedSteps(ExperimentConfig config) => (long)(config.TrainSize / config.BatchSize) * config.Epochs;

    /// <summary>The images a run put through its frozen backbone, from its run.log's features line (the last one).</summary>
    public static double? FeatureRows(IEnumerable<string> runLog)
    {
        double? rows = null;
        foreach (var line in runLog)
        {
            if (!line.StartsWith("features: ", StringComparison.Ordinal)) continue;
            rows = RowCounts().Matches(line).Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        return rows;
    }

    // "features: 3255 probe-training and 4848 val and 4886 test rows in 67.8 s"
    [GeneratedRegex(@"(\d+) [a-z-]+(?= and | rows)")]
    private static partial Regex RowCounts();

    /// <summary>
    /// Counts the products of <paramref name="config"/>'s model: one training step of its method on a batch of views its
    /// recipe makes from random images (DINO's small local crops included), in the steady state after the first epoch, and
    /// one image through its backbone in eval mode. The count depends on shapes only, so a model is built once per shape.
    /// </summary>
    public sealed class Counter
    {
        readonly Dictionary<string, ModelFlops> _known = new(StringComparer.Ordinal);

        public ModelFlops Count(ExperimentConfig config)
        {
            string key = string.Join("|", config.Method.ToJson().ToJsonString(), config.Backbone, config.Resolution, config.PatchSize,
                config.Stem, config.BatchSize, config.Augmentation.MethodViewRecipes, PlannedSteps(config) > 0);
            if (_known.TryGetValue(key, out var known)) return known;
            return _known[key] = CountModel(config);
        }

        static ModelFlops CountModel(ExperimentConfig config)
        {
            using var scope = NewDisposeScope();
            manual_seed(0);
            var backbone = BackboneFactory.Create(config.BackboneSettings());
            double forward = FlopCounter.BackboneForward(backbone, config.Resolution).ForwardFlops;
            if (PlannedSteps(config) == 0) return new ModelFlops(0, forward);
            using var method = MethodFactory.Create(config.Method.Name, backbone, config.Method, config.Optimizer, config.TrainDefectPct / 100.0);
            using var generator = new Generator(1);
            var images = rand([config.BatchSize, 3, config.Resolution, config.Resolution], generator: generator);
            var views = AugmentedViews.For(config).MakeViews(images, generator);
            var labels = rand([config.BatchSize], generator: generator).lt(0.3).to(ScalarType.Float32);
            method.train();
            int stepsPerEpoch = Math.Max(1, config.TrainSize / config.BatchSize);
            var progress = new TrainingProgress(Math.Min(1, config.Epochs - 1), stepsPerEpoch, stepsPerEpoch, config.Epochs);
            var step = FlopCounter.Count(method, () => method.TrainingStep(new StepInput(views, labels, progress, generator)));
            return new ModelFlops(step.StepFlops, forward);
        }
    }
}

/// <summary>
/// A study's products against its time: <see cref="GridCost"/>'s runs summed, and the least wall time they need at a
/// GEMM peak of <paramref name="PeakFlopsPerThread"/> with <paramref name="Parallel"/> one-thread runs at once, as the
/// sweeps run on a CPU.
/// </summary>
public sealed record StudyCost(IReadOnlyList<CostedRun> Runs, double PeakFlopsPerThread, int Parallel)
{
    public double TrainingFlops => Runs.Sum(r => r.TrainingFlops);
    public double FeatureFlops => Runs.Sum(r => r.FeatureFlops);

    /// <summary>Seconds of one thread at the peak for <paramref name="flops"/>.</summary>
    public double SecondsAtPeak(double flops) => flops / PeakFlopsPerThread;

    /// <summary>The least wall time of the whole study: every product at the peak, <see cref="Parallel"/> runs at once, nothing else.</summary>
    public double FloorWallSeconds => SecondsAtPeak(TrainingFlops + FeatureFlops) / Parallel;

    public IReadOnlyList<CostedRun> Finished => Runs.Where(r => r.Finished).ToList();

    /// <summary>Wall time in which at least one finished run's process was working (overlaps once, gaps between sessions not at all).</summary>
    public double BusyWallSeconds => RunTimes.BusySeconds(Finished.SelectMany(r => r.Times!.Processes));

    /// <summary>The finished runs' achieved share of the peak in training: their products over their training seconds (NaN
    /// without a finished run that trains).</summary>
    public double TrainingShareOfPeak(IEnumerable<CostedRun> runs) => ShareOfPeak(runs, r => r.TrainingFlops, r => r.Times!.TrainingSeconds);

    /// <summary>The same for feature extraction.</summary>
    public double FeatureShareOfPeak(IEnumerable<CostedRun> runs) => ShareOfPeak(runs, r => r.FeatureFlops, r => r.Times!.FeatureSeconds);

    double ShareOfPeak(IEnumerable<CostedRun> runs, Func<CostedRun, double> flops, Func<CostedRun, double> seconds)
    {
        var measured = runs.Where(r => r.Finished && flops(r) > 0).ToList();
        double time = measured.Sum(seconds);
        return time > 0 ? measured.Sum(flops) / time / PeakFlopsPerThread : double.NaN;
    }
}
