using SslAnomaly.Training;

namespace SslAnomaly.Monitoring;

/// <summary>Sends every value to several sinks (e.g. metrics.csv and TensorBoard).</summary>
public sealed class CompositeMetricsSink(params IMetricsSink[] sinks) : IMetricsSink, IDisposable
{
    public IReadOnlyList<IMetricsSink> Sinks { get; } = sinks;

    public void Log(long step, string name, double value)
    {
        foreach (var sink in Sinks) sink.Log(step, name, value);
    }

    public void Flush()
    {
        foreach (var sink in Sinks) sink.Flush();
    }

    public void Dispose()
    {
        foreach (var sink in Sinks.OfType<IDisposable>()) sink.Dispose();
    }
}
