using SslAnomaly.Training;

namespace SslAnomaly.Monitoring;

/// <summary>
/// Writes scalars as a TensorBoard event file (<c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;.&lt;pid&gt;</c>) in
/// a log directory, without TensorFlow: TFRecord framing around <see cref="TensorBoardEvents"/>. A resumed run
/// opens a new file in the same directory; TensorBoard reads them all. Values are stored as float32, the
/// type of TensorBoard's simple_value.
/// <para>Not TorchSharp 0.107's SummaryWriter, checked against this contract: its step is an int (ours are long),
/// its wall time whole seconds with no clock to inject, its file-version event and file name carry .NET ticks
/// (a wall time of about 6e17 s, which skews TensorBoard's relative time axis), it reopens the file for every scalar
/// and is not disposable, and its CRC goes through libtorch's native library.</para>
/// </summary>
public sealed class TensorBoardMetricsSink : IMetricsSink, IDisposable
{
    readonly FileStream _stream;
    readonly Func<double> _clock;

    public TensorBoardMetricsSink(string logDirectory, Func<double>? clock = null)
    {
        Directory.CreateDirectory(logDirectory);
        _clock = clock ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        double now = _clock();
        // The random tail keeps two writers started in the same second by one process apart.
        string unique = Guid.NewGuid().ToString("N")[..8];
        Path = System.IO.Path.Combine(logDirectory, $"events.out.tfevents.{(long)now}.{Environment.MachineName}.{Environment.ProcessId}.{unique}");
        _stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        TfRecord.Write(_stream, TensorBoardEvents.FileVersionEvent(now));
        _stream.Flush();
    }

    public string Path { get; }

    public void Log(long step, string name, double value) =>
        TfRecord.Write(_stream, TensorBoardEvents.ScalarEvent(_clock(), step, name, (float)value));

    public void Flush() => _stream.Flush(flushToDisk: false);

    public void Dispose() => _stream.Dispose();
}
