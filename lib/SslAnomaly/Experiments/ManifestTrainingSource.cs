using SslAnomaly.Data;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Experiments;

/// <summary>
/// Feeds the trainer from a manifest's images through the prefetching <see cref="BatchSource"/>: images as
/// float [0, 1] (the view recipe normalises after augmenting), labels as float 0/1. The trainer asks for
/// (epoch, step) in order; a jump (a resumed run) restarts the decoder at that batch, and the order of
/// batches depends only on (seed, epoch), so resumed runs see the same batches.
/// </summary>
public sealed class ManifestTrainingSource : IBatchSource, IDisposable
{
    readonly BatchSource source;
    readonly IReadOnlyList<bool> labels;
    readonly Device device;
    IEnumerator<ImageBatch>? cursor;
    (int Epoch, int Step) next = (-1, -1);

    public ManifestTrainingSource(IReadOnlyList<string> imagePaths, IReadOnlyList<bool> labels, BatchSourceOptions options, Device? device = null)
    {
        if (imagePaths.Count != labels.Count) throw new ArgumentException("one label per image expected");
        source = new BatchSource(imagePaths, options with { DropLast = true, Shuffle = true });
        this.labels = labels;
        this.device = device ?? CPU;
    }

    public int BatchSize => source.Options.BatchSize;
    public int StepsPerEpoch => source.BatchesPerEpoch;
    public IReadOnlyDictionary<int, string> Skipped => source.Skipped;

    public TrainingBatch GetBatch(int epoch, int step)
    {
        if (cursor is null || next != (epoch, step) || step == 0)
        {
            cursor?.Dispose();
            cursor = source.Epoch(epoch, step).GetEnumerator();
        }
        if (!cursor.MoveNext()) throw new InvalidOperationException($"batch {step} of epoch {epoch} is past the end of the epoch");
        next = (epoch, step + 1); // a new epoch always opens a new enumerator
        using var batch = cursor.Current;
        var images = batch.ToFloat(device);
        var y = tensor(batch.Gather(labels).Select(l => l ? 1f : 0f).ToArray(), device: device);
        return new TrainingBatch(images, y);
    }

    public void Dispose()
    {
        cursor?.Dispose();
        source.Dispose();
    }
}
