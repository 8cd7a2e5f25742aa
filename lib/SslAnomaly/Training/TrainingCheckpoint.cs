using System.Text.Json.Nodes;
using SslAnomaly.Methods;
using SslAnomaly.Optim;
using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>What a training loop carries from step to step and a checkpoint must hold to resume it bit-identically.</summary>
public sealed record TrainingState(Optimizer Optimizer, Generator ViewGenerator, Generator MethodGenerator, CollapseGuard Guard);

/// <summary>
/// A trainer's checkpoints in a <see cref="CheckpointStore"/>: the model with its teacher and buffers, the optimiser state,
/// the random states, the collapse guard and the position. Saving refuses non-finite weights, so a run never resumes into
/// NaN; restoring refuses a checkpoint written with other settings (method, backbone, schedule, batch, seed).
/// </summary>
public sealed class TrainingCheckpoint(CheckpointStore store, SslMethod method, int epochs, int batchSize, int stepsPerEpoch, long seed)
{
    const string FormatName = "ssl-anomaly-checkpoint";

    /// <summary>The newest checkpoint this run wrote or resumed from; null before the first.</summary>
    public string? Latest { get; private set; }

    public CheckpointStore Store => store;

    /// <summary>Loads the store's latest checkpoint into the method and <paramref name="state"/>; returns the steps done (0 without one).</summary>
    public long ResumeLatest(TrainingState state)
    {
        if (store.Latest() is not { } path) return 0;
        long done = Restore(path, state);
        Latest = path;
        return done;
    }

    /// <summary>Writes a checkpoint unless the weights went non-finite (a finite loss can still give inf gradients); then the failure.</summary>
    public TrainingFailure? Save(long stepsDone, TrainingState state)
    {
        using var scope = NewDisposeScope(); // frees the random-state copies
        var bad = method.named_parameters().FirstOrDefault(p => !isfinite(p.parameter).all().item<bool>()).name;
        if (bad is not null)
            return new TrainingFailure(FailureKind.NonFiniteWeights,
                $"weights became non-finite ({bad}) by global step {stepsDone}: the run diverged; no checkpoint was written" +
                (Latest is null ? "" : $", the last good one is {Path.GetFileName(Latest)}"), stepsDone);
        Latest = store.Save(stepsDone, Snapshot(state).ToList(), Metadata(stepsDone, state.Guard));
        return null;
    }

    IEnumerable<(string, Tensor)> Snapshot(TrainingState state)
    {
        foreach (var (name, t) in method.state_dict()) yield return ($"model/{name}", t);
        foreach (var (name, t) in state.Optimizer.StateTensors) yield return ($"optimizer/{name}", t);
        yield return ("rng/torch", get_rng_state());
        yield return ("rng/views", state.ViewGenerator.get_state());
        yield return ("rng/method", state.MethodGenerator.get_state());
    }

    JsonObject Metadata(long stepsDone, CollapseGuard guard) => new()
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
        ["epochs"] = epochs,
        ["batch_size"] = batchSize,
        ["seed"] = seed,
        ["collapse_streak"] = guard.Streak,
        ["collapsed_at_step"] = guard.CollapsedAt,
        ["method_config"] = method.Config.ToJson(),
        ["optimizer"] = method.Optimizer.ToJson(),
        ["written_utc"] = DateTime.UtcNow.ToString("O"),
    };

    /// <summary>Loads a checkpoint into the method and <paramref name="state"/>; returns the steps already done.</summary>
    long Restore(string path, TrainingState state)
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
            Expect("epochs", epochs);
            Expect("batch_size", batchSize);
            Expect("seed", seed);

            using (no_grad())
            {
                var model = method.state_dict();
                var missing = model.Keys.Where(k => !tensors.ContainsKey($"model/{k}")).ToList();
                if (missing.Count > 0) throw new InvalidDataException($"{path} lacks model tensors: {string.Join(", ", missing.Take(5))}");
                foreach (var (name, target) in model)
                {
                    var saved = tensors[$"model/{name}"];
                    if (!saved.shape.SequenceEqual(target.shape) || saved.dtype != target.dtype)
                        throw new InvalidDataException($"{path}: model tensor {name} is [{string.Join(",", saved.shape)}] {saved.dtype}, the model has [{string.Join(",", target.shape)}] {target.dtype}");
                    target.copy_(saved);
                }
            }
            state.Optimizer.LoadState(tensors.Where(kv => kv.Key.StartsWith("optimizer/", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["optimizer/".Length..], kv => kv.Value));
            set_rng_state(tensors["rng/torch"]);
            state.ViewGenerator.set_state(tensors["rng/views"]);
            state.MethodGenerator.set_state(tensors["rng/method"]);
            state.Guard.Streak = metadata["collapse_streak"]!.GetValue<int>();
            state.Guard.CollapsedAt = metadata["collapsed_at_step"]?.GetValue<long>(); // absent in checkpoints of earlier builds
            return metadata["steps_done"]!.GetValue<long>();
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
