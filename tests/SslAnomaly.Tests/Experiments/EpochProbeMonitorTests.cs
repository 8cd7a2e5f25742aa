using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Experiments;

public class EpochProbeMonitorTests
{
    /// <summary>Two-dimensional features where the first coordinate carries the label (shifted by <paramref name="signal"/>).</summary>
    static FeatureSet Features(string prefix, int n, double signal, int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(i => i % 4 == 0).ToArray();
        var values = labels.SelectMany(l => new[] { (float)((l ? signal : 0) + random.NextDouble()), (float)random.NextDouble() }).ToArray();
        return new FeatureSet(values, 2, Enumerable.Range(0, n).Select(i => $"{prefix}{i:D4}.png").ToArray(), new GroundTruth(labels));
    }

    [Fact]
    public void Logs_the_probes_F1_on_every_validation_subset_at_the_epochs_step()
    {
        var train = Features("T", 80, 1.5, 1);
        var validation = Features("V", 60, 1.5, 2);
        IReadOnlyList<(string, IReadOnlyList<string>)> subsets =
            [("natural", validation.Filenames), ("half", validation.Filenames.Take(30).ToList())];
        var options = new LinearProbeOptions(1e-4, 100);
        var sink = new RecordingSink();
        int extractions = 0;
        var monitor = new EpochProbeMonitor(() => { extractions++; return train; }, () => validation, subsets, options);

        using var features = zeros(4, 2);
        monitor.OnEpochEnd(new EpochSnapshot(0, 7, features, null), sink);

        Assert.Equal(1, extractions);  // fresh features every epoch: the backbone has moved
        Assert.Equal(["probe/f1/half", "probe/f1/natural"], sink.Entries.Select(v => v.Name).Order());
        Assert.All(sink.Entries, v => Assert.Equal(7, v.Step));
        var expected = ImbalanceGrid.Evaluate(LinearProbe.Train(train, options), validation, [ValidationSubset.Natural(validation)], intervals: false)["natural"].Metrics.F1;
        Assert.Equal(expected, sink.Entries.Single(v => v.Name == "probe/f1/natural").Value, 12);
        Assert.True(expected > 0.5, $"separable features should give a useful probe, F1 {expected}");
    }

    [Fact]
    public void Is_off_unless_the_environment_asks_for_it()
    {
        var before = Environment.GetEnvironmentVariable(EpochProbeMonitor.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(EpochProbeMonitor.EnvironmentVariable, null);
            Assert.False(EpochProbeMonitor.Requested);
            Environment.SetEnvironmentVariable(EpochProbeMonitor.EnvironmentVariable, "1");
            Assert.True(EpochProbeMonitor.Requested);
        }
        finally
        {
            Environment.SetEnvironmentVariable(EpochProbeMonitor.EnvironmentVariable, before);
        }
    }
}
