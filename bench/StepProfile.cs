using System.Diagnostics;
using System.Text.Json.Nodes;
using SslAnomaly.Experiments;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Optim;
using SslAnomaly.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>
/// Where a training step's time goes, on both sides, phase by phase: forward (every view, the teacher, the loss), the
/// trainer's per-step read-backs (loss value, collapse-guard spread), backward, optimiser step, teacher EMA. Ours replays
/// <see cref="Trainer"/>'s step by hand to put clocks between the phases. Medians over the profiled steps, in ms. The
/// PyTorch side is the tuned script (<see cref="PyTorchVariant.Tuned"/>), the headline comparison's.
/// </summary>
public sealed class StepProfile(PythonReference? python)
{
    public static readonly string[] Phases = ["forward", "readback", "backward", "optimizer", "ema", "total"];

    public (Dictionary<string, double> Ours, Dictionary<string, double>? Theirs) Run(TrainCase c, int steps)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var backbone = BackboneFactory.Create(c.BackboneConfig);
        var config = TrainStepBench.ConfigFor(c.Method);
        using var method = MethodFactory.Create(c.Method, backbone, config, MethodRecipe.Published(MethodRegistry.Get(c.Method)).Optimizer);
        using var optimizer = OptimizerSetup.Create(method, c.Batch);
        optimizer.LearningRate = 0.01;
        using var generator = new Generator(1);
        using var methodGenerator = new Generator(2);
        var views = Enumerable.Range(0, method.ViewCount).Select(_ => randn([c.Batch, 3, c.Resolution, c.Resolution], generator: generator)).ToArray();
        var labels = rand([c.Batch], generator: generator).lt(0.3).to(ScalarType.Float32);
        method.train();
        var samples = Phases.ToDictionary(p => p, _ => new List<double>());
        for (int k = 0; k < steps + 1; k++)
        {
            var progress = new TrainingProgress(0, k, 1000, 100);
            var clock = Stopwatch.StartNew();
            var marks = new Dictionary<string, double>();
            void Mark(string phase)
            {
                marks[phase] = clock.Elapsed.TotalMilliseconds - marks.Values.Sum();
            }
            using (var stepScope = NewDisposeScope())
            {
                var output = method.TrainingStep(new StepInput(views.Select(v => v.alias()).ToArray(), labels, progress, methodGenerator));
                Mark("forward");
                output.Loss.ToDouble();
                if (output.Embeddings is not null) CollapseGuard.Spread(output.Embeddings);
                Mark("readback");
                optimizer.ZeroGrad();
                output.Loss.backward();
                method.OnAfterBackward(progress);
                Mark("backward");
                optimizer.Step();
                Mark("optimizer");
                method.OnAfterOptimizerStep(progress);
                Mark("ema");
            }
            optimizer.ZeroGrad();
            marks["total"] = clock.Elapsed.TotalMilliseconds;
            if (k == 0) continue; // warm-up
            foreach (var (phase, ms) in marks) samples[phase].Add(ms);
        }
        var ours = samples.ToDictionary(p => p.Key, p => BenchReport.Median(p.Value));

        Dictionary<string, double>? theirs = null;
        if (python is not null)
        {
            python.Call(c.PythonSetup(method, views.Length, PyTorchVariant.Tuned));
            var reply = python.Call(new JsonObject { ["op"] = "train_profile", ["variant"] = PyTorchVariant.Tuned, ["steps"] = steps });
            theirs = Phases.ToDictionary(p => p, p => reply[p]?.GetValue<double>() ?? double.NaN);
            python.Call(new JsonObject { ["op"] = "train_free" });
        }
        return (ours, theirs);
    }
}
