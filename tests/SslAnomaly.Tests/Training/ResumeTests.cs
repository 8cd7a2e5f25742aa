using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Tests.Methods;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Training;

/// <summary>
/// An interrupted run resumed from its latest checkpoint must be bit-identical to an uninterrupted one: same loss at every
/// later step, same final weights (student, teacher, centre, BatchNorm statistics). The resumed model is built from a
/// different random initialisation, so everything must come from the checkpoint.
/// </summary>
public class ResumeTests
{
    const int Epochs = 2, Images = 12, Batch = 4; // 3 steps per epoch, 6 in all

    static SslMethod Build(string name, long initSeed)
    {
        manual_seed(initSeed);
        Backbone backbone = name == "mae"
            ? new VisionTransformer(new BackboneConfig(BackboneConfig.VitTiny, 8), 2, dim: 16, depth: 1, heads: 2)
            : new TinyBackbone(8);
        return MethodFactory.Create(name, backbone, MethodOverfitTests.SmallHeads(name), MethodOverfitTests.SmallSteps(name, name == "mae" ? 1e-3 : 0.1), trainDefectShare: 0.25, createBackbone: () => new TinyBackbone(8));
    }

    static (double[] Losses, TrainingOutcome Outcome) Train(SslMethod method, string directory, long? stopAfter)
    {
        var (images, labels) = TrainingData.Images(Images, 8);
        using var source = new TensorBatchSource(images, labels, Batch, seed: 4);
        var sink = new RecordingSink();
        var options = new TrainerOptions { Epochs = Epochs, Seed = 21, CheckpointDirectory = directory, CheckpointEverySteps = 2, StopAfterSteps = stopAfter };
        var outcome = new Trainer(method, source, new FlipNoiseViews(method.ViewCount), options, sink).Run();
        return (sink.Values("train/loss"), outcome);
    }

    static Dictionary<string, Tensor> Copy(SslMethod method) =>
        method.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    /// <summary>Gives <paramref name="method"/> the given weights (tests run in parallel and share the global RNG, so seeding alone cannot make two models equal).</summary>
    static SslMethod WithState(SslMethod method, Dictionary<string, Tensor> state)
    {
        using var noGrad = no_grad();
        foreach (var (key, value) in method.state_dict()) value.copy_(state[key]);
        return method;
    }

    [Theory]
    [InlineData("byol", 5)]       // mid-epoch, between periodic checkpoints: saved on stop
    [InlineData("dino", 4)]       // on a periodic checkpoint
    [InlineData("mae", 3)]        // at an epoch end; MAE draws masks from the method generator, AdamW state
    [InlineData("supervised", 5)]
    [InlineData("simclr", 1)]
    public void Resumed_run_is_bit_identical_to_an_uninterrupted_one(string name, int stopAfter)
    {
        using var scope = NewDisposeScope();
        using var dirA = new TempDir();
        using var dirB = new TempDir();

        using var reference = Build(name, initSeed: 7);
        var initial = Copy(reference);
        var (expected, full) = Train(reference, dirA.Path, stopAfter: null);
        Assert.True(full.Completed, full.Failure?.Reason);
        Assert.Equal(Epochs * Images / Batch, expected.Length);
        var finalState = Copy(reference);

        using (var first = WithState(Build(name, initSeed: 8), initial))
        {
            var (head, interrupted) = Train(first, dirB.Path, stopAfter);
            Assert.Equal(SslAnomaly.Experiments.RunStatus.Interrupted, interrupted.Status);
            Assert.Equal(stopAfter, interrupted.StepsDone);
            Assert.Equal(Path.Combine(dirB.Path, CheckpointStore.FileName(stopAfter)), interrupted.LatestCheckpoint);
            Assert.Equal(expected.Take(stopAfter), head);
        }

        using var resumed = Build(name, initSeed: 12345); // different weights: the checkpoint must restore them all
        var (tail, outcome) = Train(resumed, dirB.Path, stopAfter: null);
        Assert.True(outcome.Completed, outcome.Failure?.Reason);
        Assert.Equal(expected.Skip(stopAfter).Select(BitConverter.DoubleToInt64Bits), tail.Select(BitConverter.DoubleToInt64Bits));
        foreach (var (key, value) in resumed.state_dict())
            Assert.True(value.eq(finalState[key]).all().item<bool>(), $"{name}: {key} differs after resume");
    }

    [Fact]
    public void A_finished_run_resumes_to_completion_without_training_again()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        using var method = Build("simclr", 3);
        var (losses, outcome) = Train(method, dir.Path, null);
        Assert.True(outcome.Completed);
        var (again, second) = Train(method, dir.Path, null);
        Assert.True(second.Completed);
        Assert.Empty(again);
        Assert.Equal(6, second.StepsDone);
    }

    [Fact]
    public void Resume_with_different_settings_is_refused()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        using var method = Build("simclr", 3);
        Train(method, dir.Path, stopAfter: 2);
        var (images, labels) = TrainingData.Images(Images, 8);
        using var source = new TensorBatchSource(images, labels, Batch, seed: 4);
        var options = new TrainerOptions { Epochs = 5, Seed = 21, CheckpointDirectory = dir.Path };
        var e = Assert.Throws<UserInputException>(() => new Trainer(method, source, new FlipNoiseViews(2), options, new RecordingSink()).Run());
        Assert.Contains("epochs = 2", e.Message);
    }
}
