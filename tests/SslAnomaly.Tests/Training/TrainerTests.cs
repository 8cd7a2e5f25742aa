using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Tests.Methods;
using SslAnomaly.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Training;

public class TrainerTests(ITestOutputHelper output)
{
    static SslMethod Byol(long seed = 1)
    {
        manual_seed(seed);
        return MethodFactory.Create("byol", new TinyBackbone(8), MethodOverfitTests.SmallHeads("byol"), MethodOverfitTests.SmallSteps("byol", 0.1), createBackbone: () => new TinyBackbone(8));
    }

    /// <summary>Injects a NaN pixel into one batch.</summary>
    sealed class PoisonedSource(IBatchSource inner, int epoch, int step) : IBatchSource
    {
        public int BatchSize => inner.BatchSize;
        public int StepsPerEpoch => inner.StepsPerEpoch;

        public TrainingBatch GetBatch(int e, int s)
        {
            var batch = inner.GetBatch(e, s);
            if (e == epoch && s == step) batch.Images[1, 2, 3, 4] = tensor(float.NaN);
            return batch;
        }
    }

    [Fact]
    public void Nan_in_the_input_stops_the_run_with_a_stated_reason()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        using var method = Byol();
        var (images, labels) = TrainingData.Images(12, 8);
        using var clean = new TensorBatchSource(images, labels, 4, seed: 1);
        var sink = new RecordingSink();
        var options = new TrainerOptions { Epochs = 3, CheckpointDirectory = dir.Path, CheckpointEverySteps = 1 };
        var outcome = new Trainer(method, new PoisonedSource(clean, epoch: 1, step: 1), new FlipNoiseViews(2), options, sink).Run();

        Assert.Equal(SslAnomaly.Experiments.RunStatus.Failed, outcome.Status);
        Assert.Equal(FailureKind.NonFiniteLoss, outcome.Failure!.Kind);
        Assert.Equal(4, outcome.Failure.Step);
        Assert.Contains("loss became NaN at epoch 1, step 1 (global step 4)", outcome.Failure.Reason);
        Assert.Contains("step-000000004.ckpt", outcome.Failure.Reason); // the last good checkpoint
        Assert.Equal(4, sink.Values("train/loss").Length);
        Assert.Equal([1.0], sink.Values("train/failed"));
        // The weights were not touched by the bad step.
        Assert.All(method.parameters(), p => Assert.True(isfinite(p).all().item<bool>()));
    }

    /// <summary>A method whose embeddings are identical for every image, as after a collapse.</summary>
    sealed class CollapsedMethod : SslMethod
    {
        readonly Linear head;

        public CollapsedMethod(Backbone backbone) : base(nameof(CollapsedMethod), backbone, new SimClrConfig(), SimClrRecipe.Published.Optimizer)
        {
            head = nn.Linear(backbone.FeatureDim, 4);
            register_module("head", head);
        }

        public override string MethodName => "collapsed";

        public override StepOutput TrainingStep(StepInput input)
        {
            var z = head.call(Backbone.call(input.Views[0]));
            return new StepOutput(z.pow(2).mean(), ones(z.shape[0], 8).mul(z.mean().detach()));
        }
    }

    [Fact]
    public void Collapsed_embeddings_are_recorded_once_and_the_run_trains_to_the_end()
    {
        using var scope = NewDisposeScope();
        using var method = new CollapsedMethod(new TinyBackbone(8));
        var (images, labels) = TrainingData.Images(8, 8);
        using var source = new TensorBatchSource(images, labels, 4);
        var sink = new RecordingSink();
        var outcome = new Trainer(method, source, new FlipNoiseViews(2), new TrainerOptions { Epochs = 10, CollapsePatience = 5 }, sink).Run();
        Assert.True(outcome.Completed, outcome.Failure?.Reason);
        Assert.Null(outcome.Failure);
        Assert.Equal(SslAnomaly.Experiments.RunStatus.Completed, outcome.Status);
        Assert.Equal(20, outcome.StepsDone);
        Assert.Equal(4, outcome.CollapseStep); // the fifth consecutive collapsed step
        Assert.Equal([(5L, 1.0)], sink.Entries.Where(e => e.Name == "train/collapsed").Select(e => (e.Step, e.Value)));
        Assert.All(sink.Values("train/embedding_spread"), s => Assert.True(s < 1e-6));
    }

    [Fact]
    public void A_spread_above_the_threshold_is_never_collapsed_and_a_huge_threshold_always_is()
    {
        using var scope = NewDisposeScope();
        var (images, labels) = TrainingData.Images(8, 8);
        using var source = new TensorBatchSource(images, labels, 4);
        using (var healthy = Byol())
            Assert.Null(new Trainer(healthy, source, new FlipNoiseViews(2), new TrainerOptions { Epochs = 3, CollapsePatience = 2 }, new RecordingSink()).Run().CollapseStep);
        using var forced = Byol();
        var outcome = new Trainer(forced, source, new FlipNoiseViews(2), new TrainerOptions { Epochs = 3, CollapseThreshold = 1e9, CollapsePatience = 2 }, new RecordingSink()).Run();
        Assert.True(outcome.Completed);
        Assert.Equal(1, outcome.CollapseStep);
    }

    [Fact]
    public void The_collapse_step_survives_a_resume()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var (images, labels) = TrainingData.Images(8, 8);
        using var source = new TensorBatchSource(images, labels, 4);
        var options = new TrainerOptions { Epochs = 5, CheckpointDirectory = dir.Path, CheckpointEverySteps = 1, CollapsePatience = 3 };
        using (var first = new CollapsedMethod(new TinyBackbone(8)))
        {
            var stopped = new Trainer(first, source, new FlipNoiseViews(2), options with { StopAfterSteps = 6 }, new RecordingSink()).Run();
            Assert.Equal(2, stopped.CollapseStep);
        }
        using var second = new CollapsedMethod(new TinyBackbone(8));
        var sink = new RecordingSink();
        var resumed = new Trainer(second, source, new FlipNoiseViews(2), options, sink).Run();
        Assert.True(resumed.Completed);
        Assert.Equal(2, resumed.CollapseStep);
        Assert.Empty(sink.Values("train/collapsed")); // not marked a second time
    }

    [Theory]
    [InlineData(-0.1, 5)]
    [InlineData(double.NaN, 5)]
    [InlineData(0.01, -1)]
    public void Invalid_guard_settings_are_a_user_error(double threshold, int patience) =>
        Assert.Throws<UserInputException>(() => new CollapseGuard(threshold, patience));

    /// <summary>A method whose weights blow up after its third optimiser step while its losses stay finite until then.</summary>
    sealed class ExplodingMethod : SslMethod
    {
        readonly Linear head;

        public ExplodingMethod(Backbone backbone) : base(nameof(ExplodingMethod), backbone, new SimClrConfig(), SimClrRecipe.Published.Optimizer)
        {
            head = nn.Linear(backbone.FeatureDim, 4);
            register_module("head", head);
        }

        public override string MethodName => "exploding";

        public override StepOutput TrainingStep(StepInput input) =>
            new(head.call(Backbone.call(input.Views[0])).pow(2).mean(), null);

        public override void OnAfterOptimizerStep(TrainingProgress progress)
        {
            if (progress.Step == 2)
                using (no_grad()) head.weight!.fill_(float.PositiveInfinity);
        }
    }

    [Fact]
    public void Weights_that_went_non_finite_are_never_checkpointed()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        using var method = new ExplodingMethod(new TinyBackbone(8));
        var (images, labels) = TrainingData.Images(8, 8);
        using var source = new TensorBatchSource(images, labels, 4);
        var options = new TrainerOptions { Epochs = 5, CheckpointDirectory = dir.Path, CheckpointEverySteps = 1 };
        var outcome = new Trainer(method, source, new FlipNoiseViews(2), options, new RecordingSink()).Run();
        Assert.Equal(FailureKind.NonFiniteWeights, outcome.Failure!.Kind);
        Assert.Contains("weights became non-finite (head.weight) by global step 3", outcome.Failure.Reason);
        Assert.Contains("the last good one is step-000000002.ckpt", outcome.Failure.Reason);
        Assert.Equal(dir.File("step-000000002.ckpt"), new CheckpointStore(dir.Path).Latest());
    }

    [Fact]
    public void A_fresh_run_refuses_a_folder_that_holds_another_runs_checkpoints()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        using var method = Byol();
        var (images, labels) = TrainingData.Images(8, 8);
        using var source = new TensorBatchSource(images, labels, 4);
        new Trainer(method, source, new FlipNoiseViews(2), new TrainerOptions { CheckpointDirectory = dir.Path }, new RecordingSink()).Run();
        var options = new TrainerOptions { CheckpointDirectory = dir.Path, Resume = false };
        var e = Assert.Throws<UserInputException>(() => new Trainer(method, source, new FlipNoiseViews(2), options, new RecordingSink()).Run());
        Assert.Contains("already holds checkpoints", e.Message);
    }

    [Fact]
    public void Collapse_measure_is_about_one_for_spread_embeddings_and_zero_for_a_point()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        Assert.InRange(CollapseGuard.Spread(randn(512, 32)), 0.95, 1.05);
        Assert.Equal(0, CollapseGuard.Spread(ones(16, 32).mul(3)), 9);
        var guard = new CollapseGuard(0.1, 3);
        Assert.False(guard.Observe(0.05));
        Assert.False(guard.Observe(0.05));
        Assert.False(guard.Observe(0.5)); // recovery resets the streak
        Assert.False(guard.Observe(0.05));
        Assert.False(guard.Observe(0.05));
        Assert.True(guard.Observe(0.05));
    }

    sealed class ShapeMonitor : ITrainingMonitor
    {
        public List<(int Epoch, long Step, long[] Features, long[]? Embeddings, bool Training)> Calls { get; } = [];
        public nn.Module? Model { get; init; }
        public string Name => "shapes";

        public void OnEpochEnd(EpochSnapshot snapshot, IMetricsSink sink)
        {
            Calls.Add((snapshot.Epoch, snapshot.Step, snapshot.BackboneFeatures.shape, snapshot.ProjectorEmbeddings?.shape, Model!.training));
            sink.Log(snapshot.Step, "monitor/feature_mean", snapshot.BackboneFeatures.mean().item<float>());
        }
    }

    [Fact]
    public void Each_step_logs_loss_learning_rate_and_throughput_and_each_epoch_calls_the_monitors()
    {
        using var scope = NewDisposeScope();
        using var method = Byol();
        var (images, labels) = TrainingData.Images(12, 8);
        using var source = new TensorBatchSource(images, labels, 4);
        var sink = new RecordingSink();
        var monitor = new ShapeMonitor { Model = method };
        var monitorImages = TrainingData.Images(5, 8, seed: 9).Images;
        var outcome = new Trainer(method, source, new FlipNoiseViews(2), new TrainerOptions { Epochs = 2, MonitorBatchSize = 2 }, sink,
            [monitor], monitorImages).Run();

        Assert.True(outcome.Completed);
        Assert.Equal(6, outcome.StepsDone);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), sink.Entries.Where(e => e.Name == "train/loss").Select(e => e.Step));
        var schedule = OptimizerSetup.Schedule(method.Optimizer, 4, 3, 2);
        Assert.Equal(Enumerable.Range(0, 6).Select(k => schedule.At(k)), sink.Values("train/lr"));
        Assert.All(sink.Values("train/images_per_second"), v => Assert.True(v > 0));
        Assert.Equal(6, sink.Values("train/tau").Length);
        Assert.True(outcome.MeanImagesPerSecond > 0);
        Assert.Equal(2, monitor.Calls.Count);
        Assert.Equal((0, 3L), (monitor.Calls[0].Epoch, monitor.Calls[0].Step));
        Assert.Equal(new long[] { 5, 16 }, monitor.Calls[1].Features);
        Assert.Equal(new long[] { 5, 32 }, monitor.Calls[1].Embeddings);
        Assert.All(monitor.Calls, c => Assert.False(c.Training)); // monitoring runs in eval mode
        Assert.True(method.training);                             // and training mode comes back
        Assert.Equal(2, sink.Values("monitor/feature_mean").Length);
    }

    [Fact]
    public void A_recipe_with_too_few_views_is_refused()
    {
        using var scope = NewDisposeScope();
        using var method = Byol();
        var (images, labels) = TrainingData.Images(8, 8);
        using var source = new TensorBatchSource(images, labels, 4);
        var e = Assert.Throws<UserInputException>(() => new Trainer(method, source, new FlipNoiseViews(1), new TrainerOptions(), new RecordingSink()).Run());
        Assert.Contains("byol needs 2 views per image, the view recipe makes 1", e.Message);
    }

    /// <summary>
    /// Live tensors are counted after every step of a 300-step BYOL run (teacher, LARS state, checkpoints every 50 steps and
    /// every epoch, monitors every epoch). Once the first step has created the optimiser state the count must not change
    /// at all: growth is a leak, and ups and downs would mean tensors left for the garbage collector.
    /// </summary>
    [Fact]
    public void Live_tensor_count_stays_flat_over_300_steps()
    {
        using var dir = new TempDir();
        using var method = Byol();
        var (images, labels) = TrainingData.Images(40, 8);
        using var source = new TensorBatchSource(images, labels, 4); // 10 steps per epoch
        images.Dispose();
        labels.Dispose();
        var (monitorImages, monitorLabels) = TrainingData.Images(4, 8, seed: 2);
        monitorLabels.Dispose();
        // Temporaries of model construction that TorchSharp leaves to the finaliser must not count against the loop.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var live = new Dictionary<long, long>();
        // Counted per thread: other tests run in parallel and create tensors of their own.
        var sink = new RecordingSink { OnLog = (step, name, _) => { if (name == "train/loss") live[step] = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount; } };
        var options = new TrainerOptions { Epochs = 30, CheckpointDirectory = dir.Path, CheckpointEverySteps = 50 };
        var outcome = new Trainer(method, source, new FlipNoiseViews(2), options, sink, [new ShapeMonitor { Model = method }], monitorImages).Run();
        monitorImages.Dispose();
        Assert.True(outcome.Completed, outcome.Failure?.Reason);
        Assert.Equal(300, live.Count);
        output.WriteLine($"live tensors at steps 10/100/200/300: {live[10]} {live[100]} {live[200]} {live[300]}");
        var changed = live.Where(kv => kv.Key >= 2 && kv.Value != live[2]).ToList();
        Assert.True(changed.Count == 0, $"live tensors changed from {live[2]} to {string.Join(", ", changed.Take(5).Select(kv => $"{kv.Value} at step {kv.Key}"))}");
    }
}
