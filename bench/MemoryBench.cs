using System.Text.Json.Nodes;
using SslAnomaly.Augment;
using SslAnomaly.Backbones;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;
using SslAnomaly.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>One method's memory trace over a long run.</summary>
public sealed record MemoryResult(string Method, int Steps, double BaselineRssMb, double FinalRssMb, double SlopeMbPer1000Steps,
    long BaselineLiveTensors, long FinalLiveTensors, double Seconds, IReadOnlyList<(long Step, double RssMb)> Samples)
{
    public double GrowthMb => FinalRssMb - BaselineRssMb;
    /// <summary>Tolerance for the allocator's own noise (glibc arenas, libtorch's caches): far below a leak of one batch per step.</summary>
    public const double ToleranceMb = 16;
    public bool Flat => FinalLiveTensors == BaselineLiveTensors && GrowthMb < ToleranceMb && SlopeMbPer1000Steps < ToleranceMb;
}

/// <summary>
/// Whether memory stays flat: each method trains for <see cref="BenchOptions.MemorySteps"/> steps through the library's
/// <see cref="Trainer"/> with the real augmentation recipe, on a tiny model (a two-layer CNN, or a two-block ViT for MAE,
/// 16 px, batch 16, small heads) so that a thousand steps take seconds. The resident set size is sampled every 50 steps;
/// the live-tensor count (TorchSharp's dispose-scope statistics) must not change after warm-up, and RSS may not grow by
/// more than <see cref="MemoryResult.ToleranceMb"/>.
/// </summary>
public sealed class MemoryBench(BenchOptions options)
{
    const int Resolution = 16, Batch = 16, Every = 50;

    public MemoryResult Run(string methodName)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        Func<Backbone> create = methodName == "mae"
            ? () => new VisionTransformer(new BackboneConfig(BackboneConfig.VitTiny, Resolution), 4, dim: 32, depth: 2, heads: 2)
            : () => new TinyCnn();
        var config = MethodRegistry.Get(methodName).Defaults switch
        {
            ByolConfig c => c with { ProjectorHiddenDim = 64, ProjectorOutputDim = 32, PredictorHiddenDim = 64 },
            ProjectorMethodConfig c => c with { ProjectorHiddenDim = 64, ProjectorOutputDim = 32 },
            DinoConfig c => c with { DinoHiddenDim = 64, DinoBottleneckDim = 32, DinoPrototypes = 128 },
            MaeConfig c => c with { MaeDecoderDim = 32, MaeDecoderDepth = 1, MaeDecoderHeads = 2 },
            SupervisedConfig c => c with { PosWeight = 3.0 },
            var c => c,
        };
        using var method = MethodFactory.Create(methodName, create(), config, MethodRecipe.Published(MethodRegistry.Get(methodName)).Optimizer, createBackbone: create);
        using var generator = new Generator(5);
        var images = rand([8L * Batch, 3, Resolution, Resolution], generator: generator);
        var labels = rand([8L * Batch], generator: generator).lt(0.25).to(ScalarType.Float32);
        using var source = new TensorBatchSource(images, labels, Batch, seed: 1);
        var views = new AugmentedViews(ViewRecipe.For(methodName, Resolution));
        var sink = new RssSink(Every);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = new Trainer(method, source, views, new TrainerOptions { Epochs = (options.MemorySteps + 7) / 8, CollapsePatience = 0 }, sink).Run();
        clock.Stop();
        if (outcome.Failure is not null) throw new InvalidOperationException($"memory run of {methodName}: {outcome.Failure.Reason}");

        // Baseline after warm-up (optimiser state, allocator pools): the first sample at or after 20 % of the run.
        var samples = sink.Samples;
        long warm = Math.Max(Every, options.MemorySteps / 5);
        int first = Math.Max(0, samples.FindIndex(s => s.Step >= warm));
        var tail = samples.Skip(first).ToList();
        return new MemoryResult(methodName, (int)outcome.StepsDone, tail[0].RssMb, tail[^1].RssMb, Slope(tail) * 1000,
            tail[0].Live, tail[^1].Live, clock.Elapsed.TotalSeconds, samples.Select(s => (s.Step, s.RssMb)).ToList());
    }

    /// <summary>Least-squares slope of RSS (MB) over steps.</summary>
    static double Slope(IReadOnlyList<(long Step, double RssMb, long Live)> points)
    {
        if (points.Count < 2) return 0;
        double mx = points.Average(p => (double)p.Step), my = points.Average(p => p.RssMb);
        double sxy = points.Sum(p => (p.Step - mx) * (p.RssMb - my)), sxx = points.Sum(p => (p.Step - mx) * (p.Step - mx));
        return sxx == 0 ? 0 : sxy / sxx;
    }

    /// <summary>Samples RSS and the live-tensor count every N steps (the trainer logs the loss once per step, after the step's scope closed).</summary>
    sealed class RssSink(int every) : IMetricsSink
    {
        public List<(long Step, double RssMb, long Live)> Samples { get; } = [];

        public void Log(long step, string name, double value)
        {
            if (name == "train/loss" && step % every == 0)
                Samples.Add((step, Machine.RssMb(), DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        }

        public void Flush() { }
    }

    /// <summary>conv(3->16)-BN-ReLU, strided conv(16->32)-ReLU, mean pool: 32-d features.</summary>
    sealed class TinyCnn : Backbone
    {
        readonly Conv2d conv1, conv2;
        readonly BatchNorm2d bn1;

        public TinyCnn() : base(nameof(TinyCnn), new BackboneConfig("tiny-cnn", Resolution))
        {
            conv1 = nn.Conv2d(3, 16, 3, padding: 1);
            bn1 = nn.BatchNorm2d(16);
            conv2 = nn.Conv2d(16, 32, 3, stride: 2, padding: 1);
            RegisterComponents();
        }

        public override int FeatureDim => 32;

        public override Tensor forward(Tensor images)
        {
            using var scope = NewDisposeScope();
            var x = nn.functional.relu(bn1.call(conv1.call(images)));
            return nn.functional.relu(conv2.call(x)).mean([2, 3]).MoveToOuterDisposeScope();
        }
    }
}
