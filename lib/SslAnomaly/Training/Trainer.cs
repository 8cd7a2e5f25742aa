using System.Diagnostics;
using SslAnomaly.Methods;
using SslAnomaly.Native;
using SslAnomaly.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>
/// The one training loop of every method. Per step: learning rate from the schedule, batch from the source, views from
/// the recipe, the method's loss; guards (non-finite loss stops the run; collapse is recorded, the run goes on); backward,
/// method hook, optional gradient clipping, optimiser step, method hook (teacher EMA); loss, learning rate and throughput to the sink. Everything a step creates
/// lives in a dispose scope, so memory stays flat. Checkpoints (every N steps and at epoch ends, <see cref="TrainingCheckpoint"/>)
/// hold everything the loop carries; a run that finds one resumes from it and continues bit-identically on CPU (the
/// schedules are functions of the step, the batches of (epoch, step)).
/// Epoch ends call the monitors with backbone features and projector embeddings of the monitoring sample (eval mode).
/// </summary>
public sealed class Trainer(
    SslMethod method,
    IBatchSource source,
    IViewRecipe views,
    TrainerOptions options,
    IMetricsSink sink,
    IReadOnlyList<ITrainingMonitor>? monitors = null,
    Tensor? monitorImages = null)
{
    public TrainingOutcome Run(CancellationToken cancellation = default)
    {
        int stepsPerEpoch = source.StepsPerEpoch;
        if (stepsPerEpoch < 1) throw new UserInputException($"the training set yields no full batch of {source.BatchSize} images");
        if (views.ViewCount < method.ViewCount)
            throw new UserInputException($"{method.MethodName} needs {method.ViewCount} views per image, the view recipe makes {views.ViewCount}");
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        using var optimizer = OptimizerSetup.Create(method, source.BatchSize);
        var schedule = OptimizerSetup.Schedule(method.Optimizer, source.BatchSize, stepsPerEpoch, options.Epochs);
        using var viewGenerator = new Generator(DeriveSeed(options.Seed, 1));
        using var methodGenerator = new Generator(DeriveSeed(options.Seed, 2));
        var guard = new CollapseGuard(options.CollapseThreshold, options.CollapsePatience);
        var state = new TrainingState(optimizer, viewGenerator, methodGenerator, guard);
        var checkpoints = options.CheckpointDirectory is null ? null
            : new TrainingCheckpoint(new CheckpointStore(options.CheckpointDirectory, options.KeepCheckpoints), method, options.Epochs, source.BatchSize, stepsPerEpoch, options.Seed);

        if (checkpoints is not null && !options.Resume && checkpoints.Store.List().Count > 0)
            throw new UserInputException($"{checkpoints.Store.Directory} already holds checkpoints of another run: resume from them or use an empty folder.");
        long done = checkpoints is not null && options.Resume ? checkpoints.ResumeLatest(state) : 0;
        long resumedFrom = done;
        string? Latest() => checkpoints?.Latest;

        double lastLoss = double.NaN, throughputSum = 0;
        long timedSteps = 0;
        method.train();
        while (done < totalSteps)
        {
            int epoch = (int)(done / stepsPerEpoch);
            int step = (int)(done % stepsPerEpoch);
            var progress = new TrainingProgress(epoch, done, stepsPerEpoch, options.Epochs);
            optimizer.LearningRate = schedule.At(done);
            var clock = Stopwatch.StartNew();
            IReadOnlyDictionary<string, double>? scalars;
            double spread;
            using (NoCollectionScope.Enter())
            using (var scope = NewDisposeScope())
            {
                using var batch = source.GetBatch(epoch, step);
                var batchViews = views.MakeViews(batch.Images, viewGenerator);
                var output = method.TrainingStep(new StepInput(batchViews, batch.Labels, progress, methodGenerator));
                lastLoss = output.Loss.ToDouble();
                if (!double.IsFinite(lastLoss))
                    return Failed(new TrainingFailure(FailureKind.NonFiniteLoss,
                        $"loss became {lastLoss} at epoch {epoch}, step {step} (global step {done}): the run diverged or its input holds NaN/inf" +
                        (Latest() is null ? "" : $"; the last good checkpoint is {Path.GetFileName(Latest())}"), done), done);
                spread = output.Embeddings is null ? double.NaN : CollapseGuard.Spread(output.Embeddings);
                // Collapse is recorded, not fatal: the run trains on and is probed, so a collapsed method still has its numbers.
                if (guard.ObserveStep(spread, done)) sink.Log(done + 1, "train/collapsed", 1);
                scalars = output.Scalars;

                optimizer.ZeroGrad();
                output.Loss.backward();
                method.OnAfterBackward(progress);
                if (method.Optimizer.GradClipNorm > 0)
                    nn.utils.clip_grad_norm_(method.TrainableParameters().Select(p => p.Parameter), method.Optimizer.GradClipNorm);
                optimizer.Step();
                method.OnAfterOptimizerStep(progress);
            }
            optimizer.ZeroGrad(); // gradients are not needed between steps: free them
            done++;
            double imagesPerSecond = source.BatchSize / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            throughputSum += imagesPerSecond;
            timedSteps++;

            sink.Log(done, "train/loss", lastLoss);
            sink.Log(done, "train/lr", optimizer.LearningRate);
            sink.Log(done, "train/images_per_second", imagesPerSecond);
            if (!double.IsNaN(spread)) sink.Log(done, "train/embedding_spread", spread);
            if (scalars is not null)
                foreach (var (name, value) in scalars) sink.Log(done, $"train/{name}", value);

            bool epochEnd = done % stepsPerEpoch == 0;
            bool periodic = options.CheckpointEverySteps > 0 && done % options.CheckpointEverySteps == 0;
            bool stopRequested = (options.StopAfterSteps is { } limit && done >= limit) || cancellation.IsCancellationRequested;
            bool stop = stopRequested && done < totalSteps;
            if (epochEnd)
                using (NoCollectionScope.Enter()) RunMonitors(epoch, done); // monitors call libtorch too (SVDs, forward passes)
            if ((epochEnd || periodic || stop) && checkpoints?.Save(done, state) is { } diverged) return Failed(diverged, done);
            if (epochEnd) sink.Flush();
            if (stop)
            {
                sink.Flush();
                return new TrainingOutcome(false, null, done, lastLoss, Mean(), Latest()) { CollapseStep = guard.CollapsedAt, ResumedFromStep = resumedFrom };
            }
        }
        sink.Flush();
        return new TrainingOutcome(true, null, done, lastLoss, Mean(), Latest()) { CollapseStep = guard.CollapsedAt, ResumedFromStep = resumedFrom };

        double Mean() => timedSteps == 0 ? double.NaN : throughputSum / timedSteps;

        TrainingOutcome Failed(TrainingFailure failure, long stepsDone)
        {
            optimizer.ZeroGrad();
            sink.Log(stepsDone, "train/failed", 1);
            sink.Flush();
            return new TrainingOutcome(false, failure, stepsDone, lastLoss, Mean(), Latest()) { CollapseStep = guard.CollapsedAt, ResumedFromStep = resumedFrom };
        }
    }

    /// <summary>Backbone features and projector embeddings of the monitoring sample, in eval mode, to each monitor.</summary>
    void RunMonitors(int epoch, long stepsDone)
    {
        if (monitors is null || monitors.Count == 0 || monitorImages is null) return;
        method.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var features = new List<Tensor>();
            var embeddings = new List<Tensor>();
            long n = monitorImages.shape[0];
            for (long start = 0; start < n; start += options.MonitorBatchSize)
            {
                var f = method.Backbone.call(monitorImages.narrow(0, start, Math.Min(options.MonitorBatchSize, n - start)));
                features.Add(f);
                if (method.ProjectorEmbeddings(f) is { } e) embeddings.Add(e);
            }
            var snapshot = new EpochSnapshot(epoch, stepsDone, cat(features, 0), embeddings.Count == 0 ? null : cat(embeddings, 0));
            foreach (var monitor in monitors) monitor.OnEpochEnd(snapshot, sink);
        }
        finally
        {
            method.train();
        }
    }

    /// <summary>Independent, reproducible seeds for the view and method streams (SplitMix64 of seed and stream).</summary>
    static ulong DeriveSeed(long seed, ulong stream)
    {
        ulong z = unchecked((ulong)seed + stream * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
