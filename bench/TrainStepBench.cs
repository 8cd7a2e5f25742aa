using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>One training-step case: a method on a backbone at a resolution and batch size.</summary>
public sealed record TrainCase(string Backbone, string Method, int Resolution, int Batch)
{
    /// <summary>JSON/report key of the backbone ("resnet18", "vit_tiny").</summary>
    public string BackboneKey => Backbone.Replace('-', '_');

    /// <summary>
    /// The ResNet stem is the ImageNet one at every size, as the CPU profiles (smoke, quick) and the design's measured
    /// reference use: the small-image stem keeps 64x64 feature maps in layer1 and makes a 64 px step 12x dearer.
    /// </summary>
    public BackboneConfig BackboneConfig => new(Backbone, Resolution, PatchSize: 0, Stem: ResNetStem.ImageNet);
}

/// <summary>The result of one case on both sides.</summary>
public sealed record TrainCaseResult(TrainCase Case, Comparison Comparison, long OursParameters, long? TheirParameters, double LoadAverage);

/// <summary>
/// Training-step throughput, ours against the PyTorch script: images per second of whole optimiser steps (every view's
/// forward, the teacher's forward, the loss, backward, the method's default optimiser and the teacher EMA) on fixed
/// pre-made views, so augmentation is measured separately. Ours runs through the library's <see cref="Trainer"/> (with
/// its per-step loss read-back, collapse-guard statistic and logging), theirs through a plain PyTorch loop.
/// </summary>
public sealed class TrainStepBench(BenchOptions options, PythonReference? python)
{
    /// <summary>The steady state after DINO's first epoch: the prototype layer is trained (DINO freezes it in epoch 0).</summary>
    static MethodConfig ConfigFor(string method) => MethodConfig.For(method).WithOverrides(new Dictionary<string, JsonNode?>
    {
        ["dino_freeze_last_layer_epochs"] = 0,
        ["pos_weight"] = 19.0, // a 5 % defect share
    });

    public TrainCaseResult Run(TrainCase c)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var backbone = BackboneFactory.Create(c.BackboneConfig);
        var config = ConfigFor(c.Method);
        using var method = MethodFactory.Create(c.Method, backbone, config);
        long parameters = method.parameters().Sum(p => p.numel());

        // Pre-made normalised views (standard normal, like the script's); the view recipe hands out aliases.
        using var generator = new Generator(1);
        var views = Enumerable.Range(0, method.ViewCount)
            .Select(_ => randn([c.Batch, 3, c.Resolution, c.Resolution], generator: generator)).ToArray();
        var labels = rand([2L * c.Batch], generator: generator).lt(0.3).to(ScalarType.Float32);
        // The batch source's images are unused (the recipe ignores them): a tiny stand-in keeps index_select free.
        using var source = new TensorBatchSource(zeros(2L * c.Batch, 1), labels, c.Batch, shuffle: false);
        var recipe = new DelegateViewRecipe(views.Length, (_, _) => views.Select(v => v.alias()).ToArray());

        Window Ours()
        {
            var trainer = new Trainer(method, source, recipe,
                new TrainerOptions { Epochs = 100_000, StopAfterSteps = options.StepsPerWindow }, NullSink.Instance);
            TrainingOutcome? outcome = null;
            var window = Window.Measure((long)options.StepsPerWindow * c.Batch, () => outcome = trainer.Run());
            if (outcome?.Failure is { } failure) throw new InvalidOperationException($"{c}: {failure.Reason}");
            return window;
        }

        long? theirParameters = null;
        Func<Window>? theirs = null;
        if (python is not null)
        {
            var setup = python.Call(new JsonObject
            {
                ["op"] = "train_setup",
                ["method"] = c.Method,
                ["backbone"] = c.Backbone,
                ["resolution"] = c.Resolution,
                ["patch"] = c.Backbone == BackboneConfig.VitTiny ? BackboneFactory.Resolve(c.BackboneConfig).PatchSize : 0,
                ["stem"] = "imagenet",
                ["batch"] = c.Batch,
                ["views"] = views.Length,
                ["params"] = config.ToJson(),
            });
            theirParameters = setup["parameters"]!.GetValue<long>();
            theirs = () =>
            {
                var reply = python.Call(new JsonObject { ["op"] = "train_run", ["steps"] = options.StepsPerWindow });
                return new Window(reply["seconds"]!.GetValue<double>(), (long)options.StepsPerWindow * c.Batch, reply["cpu_seconds"]!.GetValue<double>());
            };
        }
        double load = Machine.LoadAverage()[0];
        try
        {
            var comparison = Interleaved.Run(options.Rounds, Ours, theirs);
            return new TrainCaseResult(c, comparison, parameters, theirParameters, load);
        }
        finally
        {
            python?.Call(new JsonObject { ["op"] = "train_free" });
        }
    }

    sealed class NullSink : IMetricsSink
    {
        public static readonly NullSink Instance = new();
        public void Log(long step, string name, double value) { }
        public void Flush() { }
    }
}
