using System.Diagnostics;
using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Optim;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Methods;

/// <summary>
/// Every method, through the real trainer and its default optimiser, must fit one fixed batch of 8 images at 32 px:
/// the loss of the last steps is clearly below the first. Heads are shrunk by config overrides to keep the test cheap.
/// </summary>
public class MethodOverfitTests(ITestOutputHelper output)
{
    /// <summary>The method's defaults with small heads, to keep tests cheap.</summary>
    public static MethodConfig SmallHeads(string method) => MethodRegistry.Get(method).Defaults switch
    {
        ByolConfig c => c with { ProjectorHiddenDim = 64, ProjectorOutputDim = 32, PredictorHiddenDim = 64 },
        ProjectorMethodConfig c => c with { ProjectorHiddenDim = 64, ProjectorOutputDim = 32 },
        DinoConfig c => c with { DinoHiddenDim = 64, DinoBottleneckDim = 32, DinoPrototypes = 64 },
        MaeConfig c => c with { MaeDecoderDim = 64, MaeDecoderDepth = 1, MaeDecoderHeads = 4 },
        var c => c,
    };

    /// <summary>The method's optimiser at a learning rate that moves a few dozen steps (no batch scaling, no warm-up).</summary>
    public static OptimizerSettings SmallSteps(string method, double learningRate) =>
        MethodRecipe.Published(MethodRegistry.Get(method)).Optimizer with { LearningRate = learningRate, ScaleLrWithBatch = false, WarmupEpochs = 0 };

    public static Backbone SmallBackbone(string name) => name == BackboneConfig.ResNet18
        ? BackboneFactory.Create(new BackboneConfig(BackboneConfig.ResNet18, 32, Stem: ResNetStem.ImageNet))
        : BackboneFactory.Create(new BackboneConfig(BackboneConfig.VitTiny, 32, PatchSize: 8));

    [Theory]
    [InlineData("simclr", BackboneConfig.ResNet18, 2.0, 0.5)]
    [InlineData("byol", BackboneConfig.ResNet18, 2.0, 0.5)]
    [InlineData("barlow", BackboneConfig.ResNet18, 2.0, 0.5)]
    [InlineData("mae", BackboneConfig.VitTiny, 1e-3, 0.8)]
    [InlineData("supervised", BackboneConfig.ResNet18, 0.05, 0.3)]
    public void Loss_drops_clearly_on_a_fixed_batch(string name, string backbone, double learningRate, double maxRatio)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var method = MethodFactory.Create(name, SmallBackbone(backbone), SmallHeads(name), SmallSteps(name, learningRate), trainDefectShare: 0.5);
        var (images, labels) = TrainingData.Images(8, 32);
        using var source = new TensorBatchSource(images, labels, batchSize: 8, seed: 3);
        var sink = new RecordingSink();
        const int steps = 30;
        var clock = Stopwatch.StartNew();
        var outcome = new Trainer(method, source, new FlipNoiseViews(method.ViewCount, noise: 0.05),
            new TrainerOptions { Epochs = steps, Seed = 1 }, sink).Run();
        var losses = sink.Values("train/loss");
        output.WriteLine($"{name}/{backbone}: {clock.Elapsed.TotalSeconds:F1} s, losses {string.Join(" ", losses.Select(l => l.ToString("G3")))}");
        Assert.True(outcome.Completed, outcome.Failure?.Reason);
        Assert.Equal(steps, losses.Length);
        double first = losses.Take(2).Average(), last = losses.TakeLast(5).Average();
        Assert.True(last < maxRatio * first, $"{name}: loss went from {first:G4} to {last:G4}, expected below {maxRatio} x");
    }

    /// <summary>
    /// DINO's loss is the teacher's entropy (set by its temperature warm-up and the centring, not by the student) plus the
    /// KL divergence from teacher to student (what the student learns). On 8 images the centre soon removes what the
    /// barely-differentiated teacher outputs share, so the entropy climbs towards log K whatever the student does; what must
    /// drop is the KL. A BatchNorm head (DINO's use_bn_in_head) spreads the 8 images apart enough for targets to stay sharp.
    /// </summary>
    [Fact]
    public void Dino_student_fits_its_teacher_on_a_fixed_batch()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var config = (DinoConfig)SmallHeads("dino") with { DinoHeadBatchNorm = true };
        using var method = MethodFactory.Create("dino", SmallBackbone(BackboneConfig.ResNet18), config, SmallSteps("dino", 0.2));
        var (images, labels) = TrainingData.Images(8, 32);
        using var source = new TensorBatchSource(images, labels, batchSize: 8, seed: 3);
        var sink = new RecordingSink();
        var outcome = new Trainer(method, source, new FlipNoiseViews(2, noise: 0.05), new TrainerOptions { Epochs = 30, Seed = 1 }, sink).Run();
        var kl = sink.Values("train/kl_divergence");
        var entropy = sink.Values("train/teacher_entropy");
        var losses = sink.Values("train/loss");
        output.WriteLine($"loss    {string.Join(" ", losses.Select(v => v.ToString("G3")))}");
        output.WriteLine($"entropy {string.Join(" ", entropy.Select(v => v.ToString("G3")))}");
        output.WriteLine($"KL      {string.Join(" ", kl.Select(v => v.ToString("G3")))}");
        Assert.True(outcome.Completed, outcome.Failure?.Reason);
        for (int i = 0; i < losses.Length; i++) Assert.Equal(losses[i], entropy[i] + kl[i], 5);
        double first = kl.Take(2).Average(), last = kl.TakeLast(5).Average();
        Assert.True(last < 0.5 * first, $"dino: KL(teacher || student) went from {first:G4} to {last:G4}");
        Assert.True(entropy.Max() < Math.Log(64), "the teacher must not collapse to the uniform distribution");
    }
}
