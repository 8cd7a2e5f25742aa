using Google.Protobuf;
using Tensorboard;

namespace SslAnomaly.Monitoring;

/// <summary>
/// The two TensorBoard event messages we write, encoded by the protobuf classes TorchSharp ships for its own
/// SummaryWriter (tensorflow/core/util/event.proto, summary.proto; Google.Protobuf). Proto3 leaves out fields at their
/// default (a step or wall time of 0), which every reader takes as 0. We keep our own writer around them (see
/// <see cref="TensorBoardMetricsSink"/> for why not SummaryWriter itself).
/// </summary>
public static class TensorBoardEvents
{
    public const string FileVersion = "brain.Event:2";

    /// <summary>The first record of every event file: identifies the format version.</summary>
    public static byte[] FileVersionEvent(double wallTime) =>
        new Event { WallTime = wallTime, FileVersion = FileVersion }.ToByteArray();

    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value)
    {
        var summary = new Summary();
        summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = value });
        return new Event { WallTime = wallTime, Step = step, Summary = summary }.ToByteArray();
    }
}
