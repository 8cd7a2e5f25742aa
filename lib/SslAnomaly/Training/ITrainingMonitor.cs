using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>Where monitors and the training loop write scalar curves (CSV, TensorBoard, console...).</summary>
public interface IMetricsSink
{
    void Log(long step, string name, double value);
    void Flush();
}

/// <summary>
/// What a monitor sees at the end of an epoch: the epoch's model outputs on a fixed monitoring sample
/// (no augmentation), computed under no_grad. Tensors are owned by the caller and valid only during the call.
/// </summary>
public sealed record EpochSnapshot(int Epoch, long Step, Tensor BackboneFeatures, Tensor? ProjectorEmbeddings);

/// <summary>A pluggable per-epoch callback of the training loop (RankMe, feature statistics, ...).</summary>
public interface ITrainingMonitor
{
    string Name { get; }
    void OnEpochEnd(EpochSnapshot snapshot, IMetricsSink sink);
}
