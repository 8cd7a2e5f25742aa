using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Training;
using SslAnomaly.Util;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Methods;

/// <summary>
/// Why every DINO run used to end "collapsed" at step 50: the head's layers came out of TorchSharp's trunc_normal_
/// as constants, so every image got the same bottleneck direction; and the guard read the prototype scores.
/// </summary>
public class DinoCollapseTests
{
    [Theory]
    [InlineData(0.0, 0.02, -2.0, 2.0, 0.02)] // DINO/timm's call: bounds far outside, plain N(0, 0.02^2)
    // Expected: the truncated normal's std, sd sqrt(1 + (a' phi(a') - b' phi(b')) / Z - ((phi(a') - phi(b')) / Z)^2) with
    // a', b' the standardised bounds and Z = Phi(b') - Phi(a').
    [InlineData(0.0, 1.0, -0.5, 0.5, 0.28388)] // tight symmetric bounds
    [InlineData(1.0, 0.5, 0.0, 3.0, 0.47062)] // shifted mean, cut mostly on one side
    public void Truncated_normal_has_the_distributions_spread_and_bounds(double mean, double std, double a, double b, double expectedStd)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var t = TruncatedNormal.Fill(empty(200_000, dtype: ScalarType.Float64), mean, std, a, b);
        Assert.InRange(t.std().item<double>(), 0.98 * expectedStd, 1.02 * expectedStd);
        Assert.True(t.min().item<double>() >= a && t.max().item<double>() <= b);
        Assert.True(t.unique().Item1.shape[0] > 100_000, "values must differ");
    }

    [Fact]
    public void A_fresh_dino_head_keeps_distinct_images_apart()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var head = new DinoHead(512, 256, 64, 128, layers: 3, batchNorm: false, normLastLayer: true);
        // Non-negative, correlated inputs like pooled ResNet features (mean cosine about 0.4 between images).
        var features = randn(64, 512).add(0.8).relu();
        var (bottleneck, logits) = head.Project(features);
        Assert.InRange(CollapseGuard.Spread(features), 0.5, 1.0);
        Assert.True(CollapseGuard.Spread(bottleneck) > 0.5, $"bottleneck spread {CollapseGuard.Spread(bottleneck):G3}: the head maps every image to one point");
        Assert.True(CollapseGuard.Spread(logits) > 0.5);
    }

    [Fact]
    public void The_guard_watches_dinos_bottleneck_not_its_prototype_scores()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var config = (DinoConfig)MethodOverfitTests.SmallHeads("dino"); // bottleneck 32, 64 prototypes
        using var method = (Dino)MethodFactory.Create("dino", new TinyBackbone(8), config, MethodOverfitTests.SmallSteps("dino", 0.1), createBackbone: () => new TinyBackbone(8));
        var (images, labels) = TrainingData.Images(8, 8);
        var views = new FlipNoiseViews(2).MakeViews(images, new Generator(1));
        method.train();
        var output = method.TrainingStep(new StepInput(views, labels, new TrainingProgress(0, 0, 1, 1), new Generator(2)));
        Assert.Equal(new long[] { 8, config.DinoBottleneckDim }, output.Embeddings!.shape);
        using (no_grad())
            Assert.True(output.Embeddings.allclose(method.ProjectorEmbeddings(method.Backbone.call(views[0]))!, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_fresh_dino_step_is_not_judged_collapsed_by_the_default_threshold()
    {
        using var scope = NewDisposeScope();
        manual_seed(9);
        using var method = MethodFactory.Create("dino", MethodOverfitTests.SmallBackbone(BackboneConfig.ResNet18), MethodOverfitTests.SmallHeads("dino"), MethodOverfitTests.SmallSteps("dino", 0.1));
        var (images, labels) = TrainingData.Images(16, 32);
        using var source = new TensorBatchSource(images, labels, 16);
        var sink = new RecordingSink();
        // One step with patience 1: the verdict on the freshly initialised model alone (with the constant head it came at step 0).
        var outcome = new Trainer(method, source, new FlipNoiseViews(2), new TrainerOptions { Epochs = 1, CollapsePatience = 1 }, sink).Run();
        Assert.True(outcome.Completed, outcome.Failure?.Reason);
        Assert.Null(outcome.CollapseStep);
        Assert.True(sink.Values("train/embedding_spread").Single() > 0.1, $"spread {sink.Values("train/embedding_spread").Single():G3}");
    }
}
