using SslAnomaly.Monitoring;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Monitoring;

public class RankMeMonitorTests
{
    [Fact]
    public void Logs_rankme_and_stats_of_backbone_and_projector_each_epoch()
    {
        manual_seed(0);
        using var features = randn(40, 12);
        using var embeddings = randn(40, 6);
        var monitor = new RankMeMonitor();
        var sink = new RecordingSink();

        monitor.OnEpochEnd(new EpochSnapshot(Epoch: 2, Step: 120, features, embeddings), sink);

        string[] expected = ["rankme/backbone", "features/backbone_mean", "features/backbone_std", "features/backbone_normalized_std",
                             "rankme/projector", "features/projector_mean", "features/projector_std", "features/projector_normalized_std"];
        Assert.Equal(expected.Order(), sink.Entries.Select(v => v.Name).Order());
        Assert.All(sink.Entries, v => Assert.Equal(120, v.Step));
        Assert.Equal(RankMe.Compute(features), sink.Entries.Single(v => v.Name == "rankme/backbone").Value);
        Assert.Equal(FeatureStats.Compute(embeddings).Std, sink.Entries.Single(v => v.Name == "features/projector_std").Value);
        Assert.Equal(RankMe.Compute(features), monitor.LatestBackboneRankMe);
        Assert.Equal(1, sink.Flushes);
    }

    [Fact]
    public void Methods_without_projector_log_backbone_only()
    {
        using var features = randn(20, 8);
        var sink = new RecordingSink();
        new RankMeMonitor().OnEpochEnd(new EpochSnapshot(0, 0, features, null), sink);
        Assert.Equal(4, sink.Entries.Count);
        Assert.DoesNotContain(sink.Entries, v => v.Name.Contains("projector"));
    }
}
