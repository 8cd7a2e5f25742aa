using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>A batch of normalised images [B, 3, H, W] (float) and their labels [B] (float 0/1, 1 = defect).</summary>
public sealed record TrainingBatch(Tensor Images, Tensor Labels) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Where the trainer gets its batches. Deterministic by position: the same (epoch, step) always yields the same batch,
/// so a resumed run needs no loader state. The returned tensors are fresh and belong to the trainer, which disposes them.
/// </summary>
public interface IBatchSource
{
    int BatchSize { get; }
    int StepsPerEpoch { get; }
    TrainingBatch GetBatch(int epoch, int step);
}
