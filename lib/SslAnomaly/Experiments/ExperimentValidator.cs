using SslAnomaly.Backbones;
using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>Rejects configurations that cannot run, with one message naming the option and the valid values.</summary>
public static class ExperimentValidator
{
    public static void Validate(ExperimentConfig c)
    {
        RequireValues(c, "");
        var method = MethodRegistry.Of(c.Method);
        c.Method.Validate();
        c.Optimizer.Validate();
        if (!BackboneConfig.AllNames.Contains(c.Backbone))
            throw new UserInputException($"unknown backbone '{c.Backbone}' (valid: {string.Join(", ", BackboneConfig.Names)}), or '{BackboneConfig.Pixels}' for the raw-pixel baseline.");
        if (c.Backbone == BackboneConfig.Pixels && c.Epochs != 0)
            throw new UserInputException("backbone 'pixels' (the raw-pixel baseline) has nothing to train: use it with epochs=0 (or --method random-init).");
        method.RequireBackbone(c.Backbone);
        if (!Profiles.Names.Contains(c.Profile))
            throw new UserInputException($"unknown profile '{c.Profile}' (valid: {string.Join(", ", Profiles.Names)}).");
        if (!(c.TrainDefectPct > 0 && c.TrainDefectPct < 100))
            throw new UserInputException($"--train-defect-pct {c.TrainDefectPct} is outside (0, 100).");
        if (c.ProbeDefectPct is { } probePct && !(probePct > 0 && probePct < 100))
            throw new UserInputException($"probe_defect_pct {probePct} is outside (0, 100).");
        if (c.ProbeSize < 0) throw new UserInputException($"probe_size must be 0 (automatic) or positive, not {c.ProbeSize}.");
        foreach (var v in c.ValDefectPcts)
            if (!(v > 0 && v < 100)) throw new UserInputException($"val_defect_pcts: {v} is outside (0, 100).");
        if (!Enum.TryParse<ResNetStem>(c.Stem, ignoreCase: true, out _))
            throw new UserInputException($"stem '{c.Stem}' is not one of auto, imagenet, small.");
        if (!Enum.IsDefined(c.Precision))
            throw new UserInputException($"precision {(int)c.Precision} is not one of float32, bfloat16.");
        BackboneFactory.Resolve(c.BackboneSettings());
        Positive(c.TrainSize, "train_size");
        Positive(c.ValSize, "val_size");
        // epochs = 0 probes the randomly initialised backbone: the floor every method must beat.
        if (c.Epochs < 0) throw new UserInputException($"epochs must be 0 (probe the random-init backbone) or more, not {c.Epochs}.");
        Positive(c.MonitorSamples, "monitor_samples");
        Positive(c.CheckpointEverySteps, "checkpoint_every_steps");
        if (c.BatchSize < 2) throw new UserInputException($"batch_size {c.BatchSize}: contrastive losses need at least 2 images per batch.");
        if (c.BatchSize > c.TrainSize) throw new UserInputException($"batch_size {c.BatchSize} is larger than train_size {c.TrainSize}.");
        if (c.Augmentation.MinScale is <= 0 or > 1) throw new UserInputException($"augmentation.min_scale {c.Augmentation.MinScale} is outside (0, 1].");
        if (c.Augmentation.TVal < 0) throw new UserInputException($"augmentation.t_val {c.Augmentation.TVal} is negative.");
        if (c.Probe.BootstrapSamples < 0) throw new UserInputException("probe.bootstrap_samples is negative.");
        try
        {
            c.OneClass.Options().Validate();
        }
        catch (ArgumentException e)
        {
            // The options name the value in their own words; the user knows it by its config key.
            throw new UserInputException($"one_class.{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(e.ParamName ?? "")}: {e.Message.Split(" (Parameter")[0]}", e);
        }
        if (c.DataRoot is not null && !Directory.Exists(c.DataRoot))
            throw new UserInputException($"--data-root {c.DataRoot} does not exist.");
    }

    static void Positive(int value, string key)
    {
        if (value <= 0) throw new UserInputException($"{key} must be positive, not {value}.");
    }

    /// <summary>
    /// A config file or --set can write JSON null into any key; every key the config declares non-nullable (lists,
    /// nested sections, names) must then be refused by name, not reach the code as null. Nested sections are checked too.
    /// </summary>
    static void RequireValues(object section, string prefix)
    {
        var nullability = new System.Reflection.NullabilityInfoContext();
        foreach (var property in section.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.PropertyType.IsValueType || property.GetIndexParameters().Length > 0) continue;
            var key = prefix + System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            var value = property.GetValue(section);
            if (value is null)
            {
                if (nullability.Create(property).ReadState == System.Reflection.NullabilityState.NotNull)
                    throw new UserInputException($"{key} must have a value, not null.");
                continue;
            }
            if (property.PropertyType.IsClass && property.PropertyType.Namespace == typeof(ExperimentConfig).Namespace)
                RequireValues(value, key + ".");
        }
    }
}
