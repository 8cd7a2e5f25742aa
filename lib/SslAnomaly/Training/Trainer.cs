using System.Diagnostics;
using System.Text.Json.Nodes;
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
/// lives in a dispose scope, so memory stays flat. Checkpoints (every N steps and at epoch ends) hold the model with its
/// teacher and buffers, the optimiser state, the random states and the position; a run that finds one resumes from it and
/// continues bit-identically on CPU (the schedules are functions of the step, the batches of (epoch, step)).
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
    const string FormatName = "ssl-anomaly-checkpoint";

    public TrainingOutcome Run(CancellationToken cancellation = default)
    {
        int stepsPerEpoch = source.StepsPerEpoch;
        if (stepsPerEpoch < 1) throw new UserInputException($"the training set yields no full batch of {source.BatchSize} images");
        if (views.ViewCount < method.ViewCount)
            throw new UserInputException($"{method.MethodName} needs {method.ViewCount} views per image, the view recipe makes {views.ViewCount}");
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        using var optimizer = OptimizerSetup.Create(method, source.BatchSize);
        var schedule = OptimizerSetup.Schedule(method.Config, source.BatchSize, stepsPerEpoch, options.Epochs);
        using var viewGenerator = new Generator(DeriveSeed(options.Seed, 1));
        using var methodGenerator = new Generator(DeriveSeed(options.Seed, 2));
        var guard = new CollapseGuard(options.CollapseThreshold, options.CollapsePatience);
        var store = options.CheckpointDirectory is null ? null : new CheckpointStore(options.CheckpointDirectory, options.KeepCheckpoints);

        long done = 0;
        string? latest = null;
        if (store is not null && !options.Resume && store.List().Count > 0)
            throw new UserInputException($"{store.Directory} already holds checkpoints of another run: resume from them or use an empty folder.");
        if (store is not null && options.Resume && store.Latest() is { } path)
        {
            done = Restore(path, optimizer, viewGenerator, methodGenerator, guard, stepsPerEpoch);
            latest = path;
        }
        long resumedFrom = done;

        // Saves unless the weights went non-finite (a finite loss can still give inf gradients): a run must never resume into NaN.
        TrainingFailure? Save(long stepsDone)
        {
            if (store is null) return null;
            using var scope = NewDisposeScope(); // frees the random-state copies
            var bad = method.named_parameters().FirstOrDefault(p => !isfinite(p.parameter).all().item<bool>()).name;
            if (bad is not null)
                return new TrainingFailure(FailureKind.NonFiniteWeights,
                    $"weights became non-finite ({bad}) by global step {stepsDone}: the run diverged; no checkpoint was written" +
                    (latest is null ? "" : $", the last good one is {Path.GetFileName(latest)}"), stepsDone);
            latest = store.Save(stepsDone, Snapshot(optimizer, viewGenerator, methodGenerator).ToList(), Metadata(stepsDone, stepsPerEpoch, guard));
            return null;
        }

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
                        (latest is null ? "" : $"; the last good checkpoint is {Path.GetFileName(latest)}"), done), done, latest);
                spread = output.Embeddings is null ? double.NaN : CollapseGuard.Spread(output.Embeddings);
                // Collapse is recorded, not fatal: the run trains on and is probed, so a collapsed method still has its numbers.
                if (guard.ObserveStep(spread, done)) sink.Log(done + 1, "train/collapsed", 1);
                scalars = output.Scalars;

                optimizer.ZeroGrad();
                output.Loss.backward();
                method.OnAfterBackward(progress);
                if (method.Config.GradClipNorm > 0)
                    nn.utils.clip_grad_norm_(method.TrainableParameters().Select(p => p.Parameter), method.Config.GradClipNorm);
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
            if ((epochEnd || periodic || stop) && Save(done) is { } diverged) return Failed(diverged, done, latest);
            if (epochEnd) sink.Flush();
            if (stop)
            {
                sink.Flush();
                return new TrainingOutcome(false, null, done, lastLoss, Mean(), latest) { CollapseStep = guard.CollapsedAt, ResumedFromStep = resumedFrom };
            }
        }
        sink.Flush();
        return new TrainingOutcome(true, null, done, lastLoss, Mean(), latest) { CollapseStep = guard.CollapsedAt, ResumedFromStep = resumedFrom };

        double Mean() => timedSteps == 0 ? double.NaN : throughputSum / timedSteps;

        TrainingOutcome Failed(TrainingFailure failure, long stepsDone, string? checkpoint)
        {
            optimizer.ZeroGrad();
            sink.Log(stepsDone, "train/failed", 1);
            sink.Flush();
            return new TrainingOutcome(false, failure, stepsDone, lastLoss, Mean(), checkpoint) { CollapseStep = guard.CollapsedAt, ResumedFromStep = resumedFrom };
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

    IEnumerable<(string, Tensor)> Snapshot(Optimizer optimizer, Generator viewGenerator, Generator methodGenerator)
    {
        foreach (var (name, t) in method.state_dict()) yield return ($"model/{name}", t);
        foreach (var (name, t) in optimizer.StateTensors) yield return ($"optimizer/{name}", t);
        yield return ("rng/torch", get_rng_state());
        yield return ("rng/views", viewGenerator.get_state());
        yield return ("rng/method", methodGenerator.get_state());
    }

    JsonObject Metadata(long stepsDone, int stepsPerEpoch, CollapseGuard guard) => new()
    {
        ["format"] = FormatName,
        ["version"] = 1,
        ["method"] = method.MethodName,
        ["backbone"] = method.Backbone.Config.Name,
        ["resolution"] = method.Backbone.Config.Resolution,
        ["steps_done"] = stepsDone,
        ["epoch"] = stepsDone / stepsPerEpoch,
        ["step_in_epoch"] = stepsDone % stepsPerEpoch,
        ["steps_per_epoch"] = stepsPerEpoch,
        ["epochs"] = options.Epochs,
        ["batch_size"] = source.BatchSize,
        ["seed"] = options.Seed,
        ["collapse_streak"] = guard.Streak,
        ["collapsed_at_step"] = guard.CollapsedAt,
        ["method_config"] = method.Config.ToJson(),
        ["written_utc"] = DateTime.UtcNow.ToString("O"),
    };

    /// <summary>Loads a checkpoint into the method, optimiser, generators and guard; returns the steps already done.</summary>
    long Restore(string path, Optimizer optimizer, Generator viewGenerator, Generator methodGenerator, CollapseGuard guard, int stepsPerEpoch)
    {
        var (metadata, tensors) = CheckpointFile.Read(path);
        try
        {
            void Expect<T>(string key, T value)
            {
                var saved = metadata[key]!.GetValue<T>();
                if (!Equals(saved, value))
                    throw new UserInputException($"checkpoint {path} was written with {key} = {saved}, this run has {value}: resume with the same settings or use a fresh run folder.");
            }
            if (metadata["format"]?.GetValue<string>() != FormatName) throw new InvalidDataException($"{path} is not a training checkpoint");
            Expect("method", method.MethodName);
            Expect("backbone", method.Backbone.Config.Name);
            Expect("steps_per_epoch", stepsPerEpoch);
            Expect("epochs", options.Epochs);
            Expect("batch_size", source.BatchSize);
            Expect("seed", options.Seed);

            using (no_grad())
            {
                var state = method.state_dict();
                var missing = state.Keys.Where(k => !tensors.ContainsKey($"model/{k}")).ToList();
                if (missing.Count > 0) throw new InvalidDataException($"{path} lacks model tensors: {string.Join(", ", missing.Take(5))}");
                foreach (var (name, target) in state)
                {
                    var saved = tensors[$"model/{name}"];
                    if (!saved.shape.SequenceEqual(target.shape) || saved.dtype != target.dtype)
                        throw new InvalidDataException($"{path}: model tensor {name} is [{string.Join(",", saved.shape)}] {saved.dtype}, the model has [{string.Join(",", target.shape)}] {target.dtype}");
                    target.copy_(saved);
                }
            }
            optimizer.LoadState(tensors.Where(kv => kv.Key.StartsWith("optimizer/", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["optimizer/".Length..], kv => kv.Value));
            set_rng_state(tensors["rng/torch"]);
            viewGenerator.set_state(tensors["rng/views"]);
            methodGenerator.set_state(tensors["rng/method"]);
            guard.Streak = metadata["collapse_streak"]!.GetValue<int>();
            guard.CollapsedAt = metadata["collapsed_at_step"]?.GetValue<long>(); // absent in checkpoints of earlier builds
            return metadata["steps_done"]!.GetValue<long>();
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
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
