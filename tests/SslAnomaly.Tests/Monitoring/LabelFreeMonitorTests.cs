using SslAnomaly.Eval.LabelFree;
using SslAnomaly.Monitoring;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Monitoring;

public class LabelFreeMonitorTests
{
    // Four "views" of 24 images: the images plus generator-drawn noise; a fixed linear map as backbone, its tanh as projector.
    // Made per test outside any dispose scope (a static one created inside the monitor's scope would be freed with it).
    readonly Tensor Images = randn(24, 10, generator: new Generator(11)).DetachFromDisposeScope();
    readonly Tensor Map = randn(10, 7, generator: new Generator(12)).DetachFromDisposeScope();

    IReadOnlyList<Tensor> MakeViews(Generator g) =>
        Enumerable.Range(0, 4).Select(_ => Images + 0.3 * randn(24, 10, generator: g)).ToList();

    ViewEncoding Encode(Tensor x) => new(x.matmul(Map), tanh(x.matmul(Map)));

    [Fact]
    public void Logs_every_metric_on_backbone_and_projector_with_the_pure_functions_values()
    {
        using var features = randn(40, 12, generator: new Generator(1));
        using var embeddings = randn(40, 6, generator: new Generator(2));
        var monitor = new LabelFreeMonitor(MakeViews, Encode, seed: 5);
        var sink = new RecordingSink();

        monitor.OnEpochEnd(new EpochSnapshot(1, 64, features, embeddings), sink);

        var expected = LabelFreeMetrics.All.Where(m => m.PerSpace && m != LabelFreeMetrics.RankMe)
            .SelectMany(m => new[] { m.CurveName(FeatureSpace.Backbone), m.CurveName(FeatureSpace.Projector) });
        Assert.Equal(expected.Order(), sink.Entries.Select(v => v.Name).Order());
        Assert.All(sink.Entries, v => Assert.Equal(64, v.Step));
        Assert.All(sink.Entries, v => Assert.True(double.IsFinite(v.Value), v.Name));
        double Logged(string name) => sink.Entries.Single(v => v.Name == name).Value;
        Assert.Equal(AlphaReq.Compute(features), Logged("labelfree/alpha_req/backbone"), 12);
        Assert.Equal(NeSum.Compute(embeddings), Logged("labelfree/nesum/projector"), 12);

        using var g = new Generator(5);
        var views = MakeViews(g).Select(v => Encode(v).Backbone).ToList();
        Assert.Equal(Lidar.Compute(views), Logged("labelfree/lidar/backbone"), 9);
        Assert.Equal(Alignment.Compute(views[0], views[1]), Logged("labelfree/alignment/backbone"), 9);
        Assert.Equal(KnnAgreement.Compute(views[0], views[1]), Logged("labelfree/knn_agreement/backbone"), 12);
    }

    [Fact]
    public void Every_epoch_sees_the_same_views()
    {
        using var features = randn(30, 8);
        var monitor = new LabelFreeMonitor(MakeViews, Encode, seed: 9);
        var first = new RecordingSink();
        var second = new RecordingSink();
        monitor.OnEpochEnd(new EpochSnapshot(0, 10, features, null), first);
        monitor.OnEpochEnd(new EpochSnapshot(1, 20, features, null), second);
        Assert.Equal(first.Entries.Select(v => (v.Name, v.Value)), second.Entries.Select(v => (v.Name, v.Value)));
    }

    [Fact]
    public void Without_views_or_projector_only_the_backbone_spectrum_is_logged()
    {
        using var features = randn(30, 8);
        var sink = new RecordingSink();
        new LabelFreeMonitor().OnEpochEnd(new EpochSnapshot(0, 3, features, null), sink);
        Assert.Equal(["labelfree/alpha_req/backbone", "labelfree/effective_rank/backbone", "labelfree/nesum/backbone"], sink.Entries.Select(v => v.Name).Order());
    }
}
