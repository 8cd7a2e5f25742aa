namespace SslAnomaly.Training;

/// <summary>How long to train, where to checkpoint, and when to give up.</summary>
public sealed record TrainerOptions
{
    public int Epochs { get; init; } = 1;

    /// <summary>Seed of the view and method random streams (the model's initialisation is the caller's).</summary>
    public long Seed { get; init; }

    /// <summary>Checkpoint folder; null: no checkpoints and no resume.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Also checkpoint every N optimiser steps (0: only at epoch ends).</summary>
    public long CheckpointEverySteps { get; init; }

    /// <summary>Checkpoint files kept (oldest removed first).</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Continue from the latest checkpoint in <see cref="CheckpointDirectory"/> when there is one.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>
    /// Collapse guard: the spread of the L2-normalised embeddings across the batch (mean per-dimension std times sqrt(D):
    /// about 1 when spread out, 0 when every image maps to the same point) below this value ...
    /// </summary>
    public double CollapseThreshold { get; init; } = 0.01;

    /// <summary>... for this many consecutive steps marks the run as collapsed (<see cref="TrainingOutcome.CollapseStep"/>; 0 disables the guard).</summary>
    public int CollapsePatience { get; init; } = 50;

    /// <summary>Stop (with a checkpoint) once this many optimiser steps are done in total: time-limited jobs, tests.</summary>
    public long? StopAfterSteps { get; init; }

    /// <summary>Monitoring sample forwarded in batches of this size at epoch ends.</summary>
    public int MonitorBatchSize { get; init; } = 256;
}
