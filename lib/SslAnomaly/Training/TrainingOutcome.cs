namespace SslAnomaly.Training;

/// <summary>Why a run stopped early: the kind, and a sentence for result.json's failure_reason.</summary>
public enum FailureKind { NonFiniteLoss, NonFiniteWeights }

public sealed record TrainingFailure(FailureKind Kind, string Reason, long Step);

/// <summary>
/// How a <see cref="Trainer.Run"/> ended. <see cref="Completed"/>: every epoch ran; <see cref="Failure"/>: stopped by a guard;
/// neither: interrupted on request (<see cref="TrainerOptions.StopAfterSteps"/> or cancellation) after checkpointing.
/// </summary>
public sealed record TrainingOutcome(
    bool Completed,
    TrainingFailure? Failure,
    long StepsDone,
    double LastLoss,
    double MeanImagesPerSecond,
    string? LatestCheckpoint)
{
    /// <summary>Steps already done by the checkpoint this run resumed from (0 for a fresh start).</summary>
    public long ResumedFromStep { get; init; }

    /// <summary>Optimiser steps this call actually trained (evidence that a resume did not start over).</summary>
    public long StepsTrained => StepsDone - ResumedFromStep;

    /// <summary>
    /// Global step at which the collapse guard saw its threshold undercut for its patience (null: never). Collapse is a
    /// result, not an error: the run trains on and is probed like any other.
    /// </summary>
    public long? CollapseStep { get; init; }
}
