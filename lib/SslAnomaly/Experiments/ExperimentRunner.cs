using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SslAnomaly.Augment;
using SslAnomaly.Backbones;
using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Eval.OneClass;
using SslAnomaly.Methods;
using SslAnomaly.Monitoring;
using SslAnomaly.Native;
using SslAnomaly.Numerics;
using SslAnomaly.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Experiments;

/// <summary>How a run ended, for the CLI: exit code and a one-line summary.</summary>
public sealed record RunOutcome(int ExitCode, string Message, RunResult? Result);

/// <summary>Progress of a run, shown by the CLI (Spectre.Console or plain lines) or ignored.</summary>
public interface IRunProgress
{
    void Stage(string message);
    void Training(long step, long totalSteps, int epochs, double loss, double imagesPerSecond);
}

/// <summary>
/// One experiment end to end: subsets as manifests, pretraining with checkpoints and per-epoch monitors,
/// frozen features (cached), the weighted linear probe, the validation imbalance grid, and result.json
/// written atomically last. The same call after an interruption resumes from the latest checkpoint; a
/// finished run is skipped unless forced.
/// </summary>
public static class ExperimentRunner
{
    public const int ExitFailedRun = 4;
    public const int ExitInterrupted = 130;

    public static RunOutcome Run(ExperimentConfig config, string outDir, bool force, IRunProgress progress, CancellationToken cancel = default)
    {
        config = ExperimentConfigBuilder.Complete(config); // a config built in code may skip the builder
        using var run = RunDirectory.Open(outDir);
        if (!force && RunDirectory.ReadStatus(run.Path) is { } finished)
            return new RunOutcome(finished == RunStatus.Completed ? 0 : ExitFailedRun, $"{run.Path}: already {finished.Name()}; skipped (use --force to run it again)", null);
        if (force) run.Clear();
        run.WriteConfig(config, force);
        using var log = new StreamWriter(run.LogPath, append: true) { AutoFlush = true };
        log.WriteLine($"--- {DateTimeOffset.UtcNow:O} start (pid {Environment.ProcessId})");

        TorchRuntime.EnsureLoaded();
        if (config.Threads > 0) torch.set_num_threads(config.Threads);
        // Every op is checked against float64 before its first use (KernelGuard); a wrong kernel and its remedy go to run.log.
        using var numerics = KernelGuard.Record(log.WriteLine);
        var phases = new Phases(config, run, log, progress, torch.cuda.is_available() ? CUDA : CPU, numerics);

        var data = phases.PrepareData();
        var clock = Stopwatch.StartNew();
        using var model = phases.BuildModel();
        var pretraining = phases.Pretrain(data, model.Method, cancel);
        double pretrainSeconds = clock.Elapsed.TotalSeconds;
        var outcome = pretraining.Outcome;
        log.WriteLine($"training {outcome.Status.Name()} after {outcome.StepsDone} steps in {pretrainSeconds:F1} s ({outcome.MeanImagesPerSecond:F1} img/s); " +
                      $"this process trained {outcome.StepsTrained} steps, from step {outcome.ResumedFromStep}" +
            (outcome.CollapseStep is { } collapsedAt ? $"; embeddings collapsed at step {collapsedAt} (spread below {config.Collapse.Threshold} for {config.Collapse.Patience} steps)" : ""));

        if (outcome.Failure is { } failure)
        {
            var failed = phases.Result(RunStatus.Failed, failure.Reason, data, pretraining, pretrainSeconds);
            run.WriteResult(failed, RunResult.Json);
            log.WriteLine($"--- {DateTimeOffset.UtcNow:O} failed");
            return new RunOutcome(ExitFailedRun, $"{run.Path}: failed: {failure.Reason}", failed);
        }
        if (!outcome.Completed)
        {
            log.WriteLine($"--- {DateTimeOffset.UtcNow:O} interrupted at step {outcome.StepsDone} (checkpoint {Path.GetFileName(outcome.LatestCheckpoint)})");
            return new RunOutcome(ExitInterrupted, $"{run.Path}: interrupted at step {outcome.StepsDone} of {pretraining.TotalSteps}; run the same command to resume", null);
        }

        progress.Stage("extracting frozen features and probing");
        clock.Restart();
        var features = phases.ExtractFeatures(data, model.Backbone, outcome, clock);
        var probed = phases.Probe(features, model.Method, clock);
        var validation = probed[0];
        var test = probed.Count > 1 ? probed[1] : null;
        var result = phases.Result(RunStatus.Completed, null, data, pretraining, pretrainSeconds) with
        {
            Metrics = validation.Metrics, HeadMetrics = validation.HeadMetrics, Trivial = validation.Trivial,
            TestMetrics = test?.Metrics, TestHeadMetrics = test?.HeadMetrics, TestTrivial = test?.Trivial,
            OneClass = validation.OneClass, LabelEfficiency = validation.LabelEfficiency,
            TestOneClass = test?.OneClass, TestLabelEfficiency = test?.LabelEfficiency,
            OneClassSeconds = probed.Sum(p => p.OneClassSeconds),
            EvaluationSeconds = clock.Elapsed.TotalSeconds,
        };
        run.WriteResult(result, RunResult.Json);
        log.WriteLine(result.Numerics!.Summary());
        // A finished run resumes nothing: the final model is all a later evaluation needs (halves a sweep's disk use).
        new CheckpointStore(run.CheckpointDirectory).Prune(1);
        log.WriteLine($"--- {DateTimeOffset.UtcNow:O} completed");
        var reported = result.OnReportedSplit();
        var natural = reported.Metrics.TryGetValue(ImbalanceGrid.NaturalKey, out var n) ? n : reported.Metrics.Values.Last();
        return new RunOutcome(0, string.Create(CultureInfo.InvariantCulture,
            $"{run.Path}: completed{(result.Collapsed ? $" (embeddings collapsed at step {result.CollapseStep})" : "")}; F1 {natural.F1:F3}, F2_CIW {natural.F2Ciw:F3}, F1_Normal {natural.F1Normal:F3} on the natural {reported.ScoredSplit.Id()} split; RankMe {result.Rankme:F1}"), result);
    }

    /// <summary>The backbone and the method that wraps it, disposed together.</summary>
    sealed record Model(Backbone Backbone, SslMethod Method) : IDisposable
    {
        public void Dispose()
        {
            Method.Dispose();
            Backbone.Dispose();
        }
    }

    /// <summary>What pretraining leaves for the result: how training ended, its monitors, the steps it was to take.</summary>
    sealed record Pretraining(TrainingOutcome Outcome, RankMeMonitor RankMe, long TotalSteps, IReadOnlyList<(long Step, string Name, double Value)> Curves);

    /// <summary>Frozen features of the probe-training set and of every image of each evaluated split (validation, then test).</summary>
    sealed record Features(FeatureSet Train, IReadOnlyList<(EvaluatedSplit Split, FeatureSet Features)> Evaluated);

    /// <summary>On one evaluated split: the probe's metrics per subset key, the supervised head's (supervised only), the trivial
    /// classifiers', and the study without defect labels (null when switched off) with the seconds it took.</summary>
    sealed record Probed(
        IReadOnlyDictionary<string, MetricsReport> Metrics,
        IReadOnlyDictionary<string, MetricsReport>? HeadMetrics,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricsReport>> Trivial,
        IReadOnlyDictionary<string, OneClassReport>? OneClass,
        IReadOnlyDictionary<string, LabelBudgetReport>? LabelEfficiency,
        double OneClassSeconds);

    /// <summary>
    /// The phases of one run, in the order <see cref="Run"/> calls them: data, model, pretraining, features, probe,
    /// result. They share the run's config, folder, log, progress, device and the tally of unreadable images.
    /// </summary>
    sealed class Phases(ExperimentConfig config, RunDirectory run, TextWriter log, IRunProgress progress, Device device, KernelRecording numerics)
    {
        readonly SkippedImages skipped = new();

        /// <summary>The training, probe and validation subsets as manifests in the run folder.</summary>
        public ExperimentData PrepareData()
        {
            progress.Stage("preparing data");
            return ExperimentData.Prepare(config, run.Path, log);
        }

        public Model BuildModel()
        {
            // Weight initialisation draws from libtorch's global generator: seed it so a run is a function of its config.
            torch.manual_seed(config.Seed);
            var backbone = BackboneFactory.Create(config.BackboneSettings());
            if (config.Precision == ComputePrecision.BFloat16)
                log.WriteLine(device.type == DeviceType.CPU && !CpuInfo.Read().NativeBFloat16
                    ? "warning: precision bfloat16 on a CPU without native bfloat16 (no avx512_bf16 or amx_bf16): libtorch emulates it, slower than float32"
                    : "precision: bfloat16 activations in the backbone; float32 weights, optimiser, heads, losses and features");
            var method = MethodFactory.Create(config.Method.Name, backbone, config.Method, config.Optimizer, config.TrainDefectPct / 100.0);
            method.to(device);
            return new Model(backbone, method);
        }

        /// <summary>Trains (or resumes) with checkpoints, metrics.csv, TensorBoard and RankMe once per epoch.</summary>
        public Pretraining Pretrain(ExperimentData data, SslMethod method, CancellationToken cancel)
        {
            var loaderOptions = new BatchSourceOptions
            {
                BatchSize = config.BatchSize, Width = config.Resolution, Height = config.Resolution, Seed = config.Seed,
                CacheDirectory = config.DecodedCache ? Path.Combine(run.Path, "decoded") : null,
                SkipBadImages = config.SkipBadImages, Sources = data.Train.Sources,
                ClassBalancedLabels = config.Method is SupervisedConfig { ClassBalancedBatches: true } ? data.Train.Manifest.Labels : null,
            };
            using var source = new ManifestTrainingSource(data.Train.ImagePaths, data.Train.Manifest.Labels, loaderOptions, device);
            long totalSteps = (long)source.StepsPerEpoch * config.Epochs;
            long? resumeStep = ResumePoint();
            // Rows logged after the resume point (or any, when starting over) are dropped, so each step appears once.
            using var csv = new CsvMetricsSink(run.MetricsCsvPath, resumeAfterStep: resumeStep ?? 0);
            using var tensorBoard = new TensorBoardMetricsSink(run.TensorBoardDirectory);
            var sink = new CompositeMetricsSink(csv, tensorBoard, new ProgressSink(progress, totalSteps, config.Epochs));
            var rankMe = new RankMeMonitor();
            using var monitorImages = EvalImages(data.Train, config.MonitorSamples);
            using var labelFree = LabelFreeMonitoring.Create(config, method, monitorImages);
            List<ITrainingMonitor> monitors = [rankMe, labelFree];
            if (EpochProbeMonitor.Requested)
                monitors.Add(new EpochProbeMonitor(
                    () => FeatureExtractor.Extract(method.Backbone, LabeledBatches(data.Probe)),
                    () => FeatureExtractor.Extract(method.Backbone, LabeledBatches(data.Validation.Union)),
                    data.Validation.Subsets.Select(s => (s.Key, s.Manifest.Filenames)).ToList(),
                    new LinearProbeOptions(config.Probe.L2, config.Probe.MaxIterations)));

            progress.Stage($"pretraining {config.Method.Name} on {config.Backbone} ({totalSteps} steps)");
            var trainer = new Trainer(method, source, AugmentedViews.For(config), new TrainerOptions
            {
                Epochs = config.Epochs, Seed = config.Seed, CheckpointDirectory = run.CheckpointDirectory,
                CheckpointEverySteps = config.CheckpointEverySteps, Resume = true,
                CollapseThreshold = config.Collapse.Threshold, CollapsePatience = config.Collapse.Patience,
            }, sink, monitors, monitorImages);
            var outcome = trainer.Run(cancel);
            sink.Flush();
            skipped.Add(data.Train.ImagePaths, source.Skipped);
            return new Pretraining(outcome, rankMe, totalSteps, CsvMetricsSink.Read(run.MetricsCsvPath).ToList());
        }

        /// <summary>The step of the checkpoint training will resume from (null: from the start); damaged ones are set aside with a warning.</summary>
        long? ResumePoint()
        {
            var store = new CheckpointStore(run.CheckpointDirectory);
            bool hadCheckpoints = store.List().Count > 0;
            long? resumeStep = store.Latest(Warn) is { } latest ? CheckpointStore.StepOf(latest) : null;
            if (resumeStep is not null) log.WriteLine($"resuming from checkpoint at step {resumeStep}");
            else if (hadCheckpoints) Warn("no checkpoint is usable: training restarts from step 0");
            return resumeStep;
        }

        void Warn(string warning)
        {
            log.WriteLine($"warning: {warning}");
            progress.Stage($"warning: {warning}");
        }

        /// <summary>Frozen backbone features of the probe-training set and of each evaluated split's union, cached while manifest and model match.</summary>
        public Features ExtractFeatures(ExperimentData data, Backbone backbone, TrainingOutcome outcome, Stopwatch clock)
        {
            string modelKey = $"{config.Method.Name}-{config.Backbone}-{config.Resolution}px-steps{outcome.StepsDone}-{Path.GetFileName(outcome.LatestCheckpoint) ?? "none"}";
            FeatureSet Cached(ExperimentSubset subset) => FeatureCache.GetOrCompute(run.Path, new FeatureCacheKey(subset.ManifestSha256, modelKey),
                () => FeatureExtractor.Extract(backbone, LabeledBatches(subset)));
            var train = Cached(data.Probe);
            var evaluated = data.Evaluated.Select(e => (e, Cached(e.Union))).ToList();
            log.WriteLine($"features: {train.Rows} probe-training and {string.Join(" and ", evaluated.Select(e => $"{e.Item2.Rows} {e.e.Split.Id()}"))} rows in {clock.Elapsed.TotalSeconds:F1} s");
            return new Features(train, evaluated);
        }

        /// <summary>
        /// The weighted linear probe on the training features, scored on every subset of each evaluated split (validation,
        /// then test) with bootstrap intervals; predictions-{split}.csv and truth-{split}.csv beside it.
        /// </summary>
        public IReadOnlyList<Probed> Probe(Features features, SslMethod method, Stopwatch clock)
        {
            var trainFeatures = features.Train;
            var probeOptions = new LinearProbeOptions(config.Probe.L2, config.Probe.MaxIterations);
            var probe = LinearProbe.Train(trainFeatures, probeOptions);
            log.WriteLine($"probe trained in {clock.Elapsed.TotalSeconds:F1} s ({probe.Optimization.Iterations} L-BFGS iterations)");
            if (skipped.Count > 0) log.WriteLine($"skipped {skipped.Count} unreadable image(s):\n  {string.Join("\n  ", skipped.Lines())}");
            // The probe's own training scores: a threshold chosen on them is a baseline that needs no validation labels (PriorShiftStudy).
            PredictionCsv.WriteBinary(Path.Combine(run.Path, "predictions-probe.csv"), trainFeatures.Filenames, probe.PredictProbability(trainFeatures));
            var bootstrap = new BootstrapOptions(Math.Max(1, config.Probe.BootstrapSamples), config.Seed);
            bool intervals = config.Probe.BootstrapSamples > 0;
            var probed = new List<Probed>();
            // Without defect labels: one-class detectors on the same features, and the probe at small label budgets,
            // fitted once on the pool and scored on every split below.
            var oneClassClock = Stopwatch.StartNew();
            var oneClass = OneClassEvaluation.Fit(trainFeatures, config.OneClass.Options(), config.Seed, probeOptions, fullProbe: probe);
            double oneClassFitSeconds = oneClassClock.Elapsed.TotalSeconds;
            foreach (var (split, scored) in features.Evaluated)
            {
                // Skipped images have no features: each subset is scored on the images it could read.
                var readable = scored.Filenames.ToHashSet(StringComparer.Ordinal);
                var subsets = split.Subsets.Select(s => ValidationSubset.FromFilenames(s.Key, s.Manifest.Filenames.Where(readable.Contains).ToList(), scored)).ToList();
                var grid = ImbalanceGrid.Evaluate(probe, scored, subsets, bootstrap, intervals);
                // The supervised model is also scored by its own trained head: the ceiling beside the probe on its frozen features.
                var headGrid = method is Supervised supervised
                    ? ImbalanceGrid.Evaluate(HeadScores(supervised, scored, device), scored, subsets, bootstrap, intervals)
                    : null;
                var trivial = TrivialClassifiers.Reports(subsets.Select(s => (s.Key, scored.Truth.Select(s.Indices))).ToList());
                PredictionCsv.WriteBinary(Path.Combine(run.Path, RunResult.PredictionsFile(split.Split)), scored.Filenames, probe.PredictProbability(scored));
                // Labels beside the predictions, so a report can pair this run with its floor image by image (and `metrics` can score it).
                File.WriteAllText(Path.Combine(run.Path, RunResult.TruthFile(split.Split)), TruthCsv(scored));
                log.WriteLine($"{split.Split.Id()} grid with {config.Probe.BootstrapSamples} bootstrap samples done at {clock.Elapsed.TotalSeconds:F1} s");
                oneClassClock.Restart();
                var study = oneClass.Evaluate(scored, subsets, bootstrap, intervals);
                // The fit is counted once, with the first split.
                double oneClassSeconds = oneClassClock.Elapsed.TotalSeconds + (probed.Count == 0 ? oneClassFitSeconds : 0);
                if (config.OneClass.Enabled)
                    log.WriteLine($"{split.Split.Id()} one-class study ({study.Detectors.Count} detectors, {study.LabelEfficiency.Count} label budgets) in {oneClassSeconds:F1} s");
                probed.Add(new Probed(grid.ToReports(), headGrid?.ToReports(), trivial,
                    config.OneClass.Enabled ? study.OneClassReports() : null, config.OneClass.Enabled ? study.LabelEfficiencyReports() : null, oneClassSeconds));
            }
            return probed;
        }

        /// <summary>result.json's identity, provenance and training facts; a completed run adds its metrics.</summary>
        public RunResult Result(RunStatus status, string? reason, ExperimentData data, Pretraining pretraining, double pretrainSeconds)
        {
            var outcome = pretraining.Outcome;
            double? Last(string name) => pretraining.Curves.LastOrDefault(c => c.Name == name) is { Name: not null } c ? c.Value : null;
            return new()
            {
                Status = status, FailureReason = reason, Collapsed = outcome.CollapseStep is not null, CollapseStep = outcome.CollapseStep, Method = config.Method.Name, Backbone = config.Backbone, Resolution = config.Resolution,
                TrainDefectPct = config.TrainDefectPct, Seed = config.Seed, Profile = config.Profile,
                ManifestSha256 = data.Train.ManifestSha256,
                ProbeDefectPct = data.Probe.Manifest.DefectPct ?? config.TrainDefectPct,
                ProbeSize = data.Probe.Manifest.Size,
                ProbeManifestSha256 = data.Probe.ManifestSha256,
                ValManifestSha256 = data.Validation.Subsets.ToDictionary(s => s.Key, s => s.ManifestSha256),
                TestManifestSha256 = data.Test?.Subsets.ToDictionary(s => s.Key, s => s.ManifestSha256),
                ConfigSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config.ToJson()))),
                Rankme = pretraining.RankMe.LatestBackboneRankMe ?? Last("rankme/backbone"),
                RankmeProjector = pretraining.RankMe.Latest.TryGetValue("rankme/projector", out var p) ? p : Last("rankme/projector"),
                Steps = outcome.StepsDone,
                FinalLoss = double.IsFinite(outcome.LastLoss) ? outcome.LastLoss : Last("train/loss"),
                ImagesPerSecond = outcome.MeanImagesPerSecond > 0 ? outcome.MeanImagesPerSecond : null,
                PretrainSeconds = pretrainSeconds,
                SkippedImages = skipped.Count,
                SkippedImageFiles = skipped.Lines(),
                DataSource = data.Source,
                Environment = EnvironmentFacts(device),
                Numerics = numerics.Report(),
            };
        }

        /// <summary>The evaluation transform: resize to the run resolution, normalise with Sewer-ML's statistics.</summary>
        IEnumerable<LabeledBatch> LabeledBatches(ExperimentSubset subset)
        {
            using var loader = new BatchSource(subset.ImagePaths, new BatchSourceOptions
            {
                BatchSize = Math.Max(config.BatchSize, 64), Width = config.Resolution, Height = config.Resolution, Shuffle = false, DropLast = false,
                SkipBadImages = config.SkipBadImages, Sources = subset.Sources,
            });
            var labels = subset.Manifest.Labels;
            foreach (var batch in loader.Epoch(0))
            {
                using (batch)
                {
                    using var raw = batch.ToFloat(device);
                    var images = ImageNormalization.Normalize(raw);
                    yield return new LabeledBatch(images, batch.Indices.Select(i => new SampleLabel(subset.Manifest.Filenames[i], labels[i], subset.CodeMasks[i])).ToList());
                }
            }
            skipped.Add(subset.ImagePaths, loader.Skipped);
        }

        /// <summary>The fixed monitoring sample (RankMe, feature statistics): the first <paramref name="count"/> training images.</summary>
        Tensor EvalImages(ExperimentSubset subset, int count)
        {
            var paths = subset.ImagePaths.Take(count).ToList();
            using var loader = new BatchSource(paths, new BatchSourceOptions
            {
                BatchSize = Math.Max(1, paths.Count), Width = config.Resolution, Height = config.Resolution, Shuffle = false, DropLast = false,
                SkipBadImages = config.SkipBadImages, Sources = subset.Sources?.Take(count).ToList(),
            });
            using var batch = loader.Epoch(0).Single();
            skipped.Add(paths, loader.Skipped);
            using var raw = batch.ToFloat(device);
            return ImageNormalization.Normalize(raw);
        }
    }

    /// <summary>P(defect) of the supervised model's own head on the frozen (eval-mode) backbone features.</summary>
    static DefectScores HeadScores(Supervised supervised, FeatureSet features, Device device)
    {
        supervised.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = tensor(features.Values, [features.Rows, features.Dim]).to(device);
        var p = sigmoid(supervised.HeadLogits(x)).to(CPU).to_type(float64).data<double>().ToArray();
        return DefectScores.Binary(p.Select(v => Math.Clamp(v, 0.0, 1.0)).ToArray());
    }

    /// <summary>The validation union's labels as a Sewer-ML annotation file (no water level: 0).</summary>
    static string TruthCsv(FeatureSet features)
    {
        var masks = features.Truth.CodeMasks ?? throw new InvalidOperationException("validation features carry no Sewer-ML codes");
        return SewerMlCsv.Format(features.Filenames.Select((f, i) => new SewerMlCsv.Row(f,
            SewerMlCodes.Codes.Select((_, k) => (masks[i] & (1 << k)) != 0).ToArray(), false, 0)));
    }

    static IReadOnlyDictionary<string, string> EnvironmentFacts(Device device) => new Dictionary<string, string>
    {
        ["dotnet"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        ["code_commit"] = EnvironmentReport.CodeCommit,
        ["torchsharp"] = EnvironmentReport.TorchSharpVersion,
        ["libtorch"] = torch.__version__,
        ["device"] = device.type.ToString(),
        ["threads"] = torch.get_num_threads().ToString(CultureInfo.InvariantCulture),
        ["machine"] = Environment.MachineName,
    };

    /// <summary>Turns the trainer's per-step scalars into progress updates.</summary>
    sealed class ProgressSink(IRunProgress progress, long totalSteps, int epochs) : IMetricsSink
    {
        double loss = double.NaN;

        public void Log(long step, string name, double value)
        {
            if (name == "train/loss") loss = value;
            else if (name == "train/images_per_second") progress.Training(step, totalSteps, epochs, loss, value);
        }

        public void Flush() { }
    }
}
