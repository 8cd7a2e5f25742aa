using SslAnomaly.Backbones;

namespace SslAnomaly.Experiments;

/// <summary>Rejects configurations that cannot run, with one message naming the option and the valid values.</summary>
public static class ExperimentValidator
{
    public static readonly IReadOnlyList<string> Methods = ["simclr", "byol", "barlow", "dino", "mae", "supervised", SslAnomaly.Methods.RandomInit.Name];
    public static readonly IReadOnlyList<string> Optimizers = ["default", "lars", "adamw", "sgd"];

    public static void Validate(ExperimentConfig c)
    {
        if (!Methods.Contains(c.Method))
            throw new UserInputException($"unknown method '{c.Method}' (valid: {string.Join(", ", Methods)}).");
        if (!BackboneConfig.Names.Contains(c.Backbone))
            throw new UserInputException($"unknown backbone '{c.Backbone}' (valid: {string.Join(", ", BackboneConfig.Names)}).");
        if (c.Method == "mae" && c.Backbone != BackboneConfig.VitTiny)
            throw new UserInputException("method 'mae' needs --backbone vit-tiny: MAE masks patch tokens, which a ResNet does not have (the paper leaves MAE x ResNet-18 blank too).");
        if (!Profiles.Names.Contains(c.Profile))
            throw new UserInputException($"unknown profile '{c.Profile}' (valid: {string.Join(", ", Profiles.Names)}).");
        if (!(c.TrainDefectPct > 0 && c.TrainDefectPct < 100))
            throw new UserInputException($"--train-defect-pct {c.TrainDefectPct} is outside (0, 100).");
        if (c.ProbeDefectPct is { } probePct && !(probePct > 0 && probePct < 100))
            throw new UserInputException($"probe_defect_pct {probePct} is outside (0, 100).");
        if (c.ProbeSize < 0) throw new UserInputException($"probe_size must be 0 (automatic) or positive, not {c.ProbeSize}.");
        foreach (var v in c.ValDefectPcts)
            if (!(v > 0 && v < 100)) throw new UserInputException($"val_defect_pcts: {v} is outside (0, 100).");
        if (!Enum.TryParse<ResNetStem>(c.Stem, ignoreCase: true, out var stem))
            throw new UserInputException($"stem '{c.Stem}' is not one of auto, imagenet, small.");
        BackboneFactory.Resolve(new BackboneConfig(c.Backbone, c.Resolution, c.PatchSize, stem));
        Positive(c.TrainSize, "train_size");
        Positive(c.ValSize, "val_size");
        // epochs = 0 probes the randomly initialised backbone: the floor every method must beat.
        if (c.Epochs < 0) throw new UserInputException($"epochs must be 0 (probe the random-init backbone) or more, not {c.Epochs}.");
        Positive(c.MonitorSamples, "monitor_samples");
        Positive(c.CheckpointEverySteps, "checkpoint_every_steps");
        if (c.BatchSize < 2) throw new UserInputException($"batch_size {c.BatchSize}: contrastive losses need at least 2 images per batch.");
        if (c.BatchSize > c.TrainSize) throw new UserInputException($"batch_size {c.BatchSize} is larger than train_size {c.TrainSize}.");
        if (!Optimizers.Contains(c.Optimizer))
            throw new UserInputException($"unknown optimizer '{c.Optimizer}' (valid: {string.Join(", ", Optimizers)}).");
        if (c.Augmentation.MinScale is <= 0 or > 1) throw new UserInputException($"augmentation.min_scale {c.Augmentation.MinScale} is outside (0, 1].");
        if (c.Augmentation.TVal < 0) throw new UserInputException($"augmentation.t_val {c.Augmentation.TVal} is negative.");
        if (c.Probe.BootstrapSamples < 0) throw new UserInputException("probe.bootstrap_samples is negative.");
        if (c.DataRoot is not null && !Directory.Exists(c.DataRoot))
            throw new UserInputException($"--data-root {c.DataRoot} does not exist.");
    }

    static void Positive(int value, string key)
    {
        if (value <= 0) throw new UserInputException($"{key} must be positive, not {value}.");
    }
}
