using System.Text.Json.Nodes;
using SslAnomaly.Experiments;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Numerics;
using SslAnomaly.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>One training-step case: a method on a backbone at a resolution and batch size (and ViT patch; 0: the library's default for the resolution).</summary>
public sealed record TrainCase(string Backbone, string Method, int Resolution, int Batch, int Patch = 0)
{
    /// <summary>JSON/report key of the backbone ("resnet18", "vit_tiny").</summary>
    public string BackboneKey => Backbone.Replace('-', '_');

    /// <summary>
    /// The ResNet stem is the ImageNet one at every size, as the CPU profiles (smoke, quick) and the design's measured
    /// reference use: the small-image stem keeps 64x64 feature maps in layer1 and makes a 64 px step 12x dearer.
    /// </summary>
    public BackboneConfig BackboneConfig => new(Backbone, Resolution, PatchSize: Patch, Stem: ResNetStem.ImageNet);

    /// <summary>The PyTorch script's <c>train_setup</c> command for this case: same model, heads, batch and view count.</summary>
    public JsonObject PythonSetup(SslMethod method, int views, string variant) => new()
    {
        ["op"] = "train_setup",
        ["method"] = Method,
        ["backbone"] = Backbone,
        ["resolution"] = Resolution,
        ["patch"] = Backbone == BackboneConfig.VitTiny ? BackboneFactory.Resolve(BackboneConfig).PatchSize : 0,
        ["stem"] = "imagenet",
        ["batch"] = Batch,
        ["views"] = views,
        ["params"] = ScriptParams(method),
        ["variant"] = variant,
    };

    /// <summary>The script's "params": the method's settings and its optimiser's side by side (the two sections of config.json).</summary>
    public static JsonObject ScriptParams(SslMethod method)
    {
        var settings = method.Config.ToJson();
        foreach (var (key, value) in method.Optimizer.ToJson()) settings[key] = value?.DeepClone();
        return settings;
    }
}

/// <summary>
/// The result of one case on both sides: the headline comparison against the tuned script, the secondary one against the
/// plain NCHW script (--pytorch-nchw only, from the same windows of ours), and the step's FLOP count.
/// </summary>
public sealed record TrainCaseResult(TrainCase Case, Comparison Comparison, Comparison? Nchw, FlopCount Flops, long OursParameters, long? TheirParameters, double LoadAverage)
{
    /// <summary>
    /// Cores our process kept busy while the PyTorch windows ran (CPU-seconds over their wall-seconds): near 0 when our
    /// threads sleep, as they must for the interleaving to be fair; OpenMP threads still spinning would show here.
    /// </summary>
    public double OursCoresWhileTheirsRan { get; init; } = double.NaN;

    /// <summary>Our kernel check over the case (setup, warm-up and timed steps): a wrong kernel is timed on its remedy, never as itself.</summary>
    public NumericsReport? OurKernels { get; init; }

    /// <summary>The script's check of its fp32 model against a float64 copy (null without the script).</summary>
    public JsonObject? ReferenceKernels { get; init; }

    /// <summary>Achieved GFLOP/s at <paramref name="imagesPerSecond"/> (2 FLOPs per multiply-accumulate).</summary>
    public double Gflops(double imagesPerSecond) => imagesPerSecond / Case.Batch * Flops.StepFlops / 1e9;

    /// <summary>Useful GFLOP/s: over the MACs that touch data (padding taps left out).</summary>
    public double ExecutedGflops(double imagesPerSecond) => imagesPerSecond / Case.Batch * Flops.ExecutedStepFlops / 1e9;
}

/// <summary>
/// Training-step throughput, ours against the PyTorch script: images per second of whole optimiser steps (every view's
/// forward, the teacher's forward, the loss, backward, the method's default optimiser and the teacher EMA) on fixed
/// pre-made views, so augmentation is measured separately. Ours runs through the library's <see cref="Trainer"/> (with
/// its per-step loss read-back, collapse-guard statistic and logging), theirs through a plain PyTorch loop.
/// </summary>
public sealed class TrainStepBench(BenchOptions options, PythonReference? python)
{
    /// <summary>The steady state after DINO's first epoch: the prototype layer is trained (DINO freezes it in epoch 0).</summary>
    public static MethodConfig ConfigFor(string method) => MethodRegistry.Get(method).Defaults switch
    {
        DinoConfig c => c with { DinoFreezeLastLayerEpochs = 0 },
        SupervisedConfig c => c with { PosWeight = 19.0 }, // a 5 % defect share
        var c => c,
    };

    public TrainCaseResult Run(TrainCase c)
    {
        using var scope = NewDisposeScope();
        using var kernels = KernelGuard.Record();
        manual_seed(0);
        var backbone = BackboneFactory.Create(c.BackboneConfig);
        var config = ConfigFor(c.Method);
        using var method = MethodFactory.Create(c.Method, backbone, config, MethodRecipe.Published(MethodRegistry.Get(c.Method)).Optimizer);
        long parameters = method.parameters().Sum(p => p.numel());

        // Pre-made normalised views (standard normal, like the script's); the view recipe hands out aliases.
        using var generator = new Generator(1);
        var views = Enumerable.Range(0, method.ViewCount)
            .Select(_ => randn([c.Batch, 3, c.Resolution, c.Resolution], generator: generator)).ToArray();
        var labels = rand([2L * c.Batch], generator: generator).lt(0.3).to(ScalarType.Float32);
        // The batch source's images are unused (the recipe ignores them): a tiny stand-in keeps index_select free.
        using var source = new TensorBatchSource(zeros(16L * c.Batch, 1), labels.repeat(8), c.Batch, shuffle: false);
        var recipe = new DelegateViewRecipe(views.Length, (_, _) => views.Select(v => v.alias()).ToArray());

        var flops = CountStep(method, views, labels, c);
        long? theirParameters = null;
        JsonObject? referenceKernels = null;
        var theirs = new List<Func<Window>>();
        if (python is not null)
            foreach (var variant in options.PyTorchVariants)
            {
                var setup = python.Call(c.PythonSetup(method, views.Length, variant));
                theirParameters = setup["parameters"]!.GetValue<long>();
                // The reference runs the same oneDNN (a newer PyTorch has the same fault): its fp32 backbone against float64;
                // a failing one is timed with oneDNN off, and the JSON says so.
                if (variant == options.PyTorchVariants[0])
                    referenceKernels = python.Call(new JsonObject { ["op"] = "kernel_check", ["variant"] = variant });
                theirs.Add(() =>
                {
                    var reply = python.Call(new JsonObject { ["op"] = "train_run", ["variant"] = variant, ["steps"] = options.StepsPerWindow });
                    return new Window(reply["seconds"]!.GetValue<double>(), (long)options.StepsPerWindow * c.Batch, reply["cpu_seconds"]!.GetValue<double>());
                });
            }
        double load = Machine.LoadAverage()[0];
        try
        {
            var (ours, their, oursCoresMeanwhile) = RunInterleaved(method, source, recipe, c, theirs);
            var headline = new Comparison(ours, their.Count > 0 ? their[0] : []);
            var nchw = their.Count > 1 ? new Comparison(ours, their[1]) : null;
            return new TrainCaseResult(c, headline, nchw, flops, parameters, theirParameters, load)
            {
                OursCoresWhileTheirsRan = oursCoresMeanwhile, OurKernels = kernels.Report(), ReferenceKernels = referenceKernels,
            };
        }
        finally
        {
            python?.Call(new JsonObject { ["op"] = "train_free" });
        }
    }

    /// <summary>One forward of the step (no backward, no update) with the FLOP counter's hooks on: the shapes decide the count.</summary>
    static FlopCount CountStep(SslMethod method, Tensor[] views, Tensor labels, TrainCase c)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        method.train();
        var input = new StepInput(views.Select(v => v.alias()).ToArray(), labels.narrow(0, 0, c.Batch), new TrainingProgress(0, 0, 1000, 100), generator);
        return FlopCounter.Count(method, () => method.TrainingStep(input));
    }

    /// <summary>
    /// Ours runs as ONE trainer run (so the optimiser state, the teacher and every cache persist as in real training);
    /// the trainer logs each step's loss after the step, and the sink uses that moment to close our timed window and run
    /// the PyTorch windows in between, in the order <see cref="Interleaved"/> uses (warm-up: ours, theirs; then rounds
    /// ours-theirs, theirs-ours, ...). Our clocks stop while the other side runs.
    /// </summary>
    (List<Window> Ours, List<List<Window>> Theirs, double OursCoresMeanwhile) RunInterleaved(SslMethod method, IBatchSource source, IViewRecipe recipe, TrainCase c, IReadOnlyList<Func<Window>> theirs)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        double oursCpuMeanwhile = 0, theirWall = 0;
        int spw = options.StepsPerWindow, rounds = options.Rounds;
        long images = (long)spw * c.Batch;
        var ours = new List<Window>();
        var their = theirs.Select(_ => new List<Window>()).ToList();
        // Every PyTorch variant in turn, each after a pause for the idle side's threads to settle.
        void Theirs(bool record)
        {
            for (int v = 0; v < theirs.Count; v++)
            {
                Thread.Sleep(Gap);
                process.Refresh();
                var before = process.TotalProcessorTime;
                var w = theirs[v]();
                process.Refresh();
                if (record)
                {
                    their[v].Add(w);
                    oursCpuMeanwhile += (process.TotalProcessorTime - before).TotalSeconds;
                    theirWall += w.Seconds;
                }
            }
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpu = process.TotalProcessorTime;
        int window = -1; // -1: the warm-up window
        var sink = new CallbackSink(step =>
        {
            if (step % spw != 0) return;
            clock.Stop();
            process.Refresh();
            var finished = new Window(clock.Elapsed.TotalSeconds, images, (process.TotalProcessorTime - cpu).TotalSeconds);
            if (window >= 0) ours.Add(finished);
            // After our warm-up: their warm-up. After our window of an even round: theirs of this round and, as the
            // next (odd) round starts with theirs, that one too.
            if (window == -1) Theirs(record: false);
            else if (window % 2 == 0)
            {
                Theirs(record: true);
                if (window + 1 < rounds) Theirs(record: true);
            }
            Thread.Sleep(Gap);
            window++;
            process.Refresh();
            cpu = process.TotalProcessorTime;
            clock.Restart();
        });
        var trainer = new Trainer(method, source, recipe,
            new TrainerOptions { Epochs = 100_000, StopAfterSteps = (long)spw * (rounds + 1) }, sink);
        var outcome = trainer.Run();
        if (outcome.Failure is { } failure) throw new InvalidOperationException($"{c}: {failure.Reason}");
        return (ours, their, theirWall > 0 ? oursCpuMeanwhile / theirWall : double.NaN);
    }

    static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(50);

    sealed class CallbackSink(Action<long> afterStep) : IMetricsSink
    {
        public void Log(long step, string name, double value)
        {
            if (name == "train/loss") afterStep(step);
        }

        public void Flush() { }
    }
}
