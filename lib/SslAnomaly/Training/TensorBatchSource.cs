using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>
/// Batches from images and labels held in memory, reshuffled every epoch by a permutation that depends only on
/// (seed, epoch); incomplete last batches are dropped (as the SSL recipes do).
/// </summary>
public sealed class TensorBatchSource : IBatchSource, IDisposable
{
    readonly Tensor images, labels;
    readonly long seed;
    readonly bool shuffle;
    int cachedEpoch = -1;
    Tensor? permutation;

    public TensorBatchSource(Tensor images, Tensor labels, int batchSize, long seed = 0, bool shuffle = true)
    {
        if (images.shape[0] != labels.shape[0]) throw new ArgumentException("images and labels differ in length");
        if (batchSize < 1 || batchSize > images.shape[0])
            throw new ArgumentException($"batch size {batchSize} does not fit {images.shape[0]} images");
        this.images = images.detach().DetachFromDisposeScope();
        this.labels = labels.detach().DetachFromDisposeScope();
        BatchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    public int BatchSize { get; }
    public int StepsPerEpoch => (int)(images.shape[0] / BatchSize);

    public TrainingBatch GetBatch(int epoch, int step)
    {
        if (step < 0 || step >= StepsPerEpoch) throw new ArgumentOutOfRangeException(nameof(step));
        using var scope = NewDisposeScope();
        var index = Order(epoch).narrow(0, (long)step * BatchSize, BatchSize);
        var batch = new TrainingBatch(images.index_select(0, index), labels.index_select(0, index));
        batch.Images.MoveToOuterDisposeScope();
        batch.Labels.MoveToOuterDisposeScope();
        return batch;
    }

    Tensor Order(int epoch)
    {
        if (!shuffle) return arange(images.shape[0], dtype: ScalarType.Int64);
        if (cachedEpoch != epoch)
        {
            permutation?.Dispose();
            using var generator = new Generator(unchecked((ulong)(seed * 1_000_003 + epoch)));
            permutation = randperm(images.shape[0], generator: generator).DetachFromDisposeScope();
            cachedEpoch = epoch;
        }
        return permutation!;
    }

    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
        permutation?.Dispose();
    }
}
