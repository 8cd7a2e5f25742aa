using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Methods;

/// <summary>
/// Three whole training steps of each method (forward of student and teacher, loss, backward, DINO's last-layer freeze,
/// the method's default optimiser, EMA, DINO's centre, MAE's masking from a seeded generator) against the same steps written
/// plainly in PyTorch after solo-learn/MAE (torchref/methods.py, run in float64 by tests/fixtures/gen_methods.py), with
/// weights from the shared name hash.
/// Compares every step's loss and every element of every final tensor (NaN counts as a failure).
/// Run in float64: in float32 some gradients that are exactly zero in exact arithmetic (a bias before BatchNorm, the key
/// bias of attention) come out as rounding noise, which LARS/AdamW turn into lr-sized steps, so float32 trajectories
/// legitimately drift apart by ~1e-4 after a few steps; float64 agreement to 1e-9 shows the algorithms are the same.
/// </summary>
public class MethodStepGoldenTests(ITestOutputHelper output)
{
    public static TheoryData<string> Methods() => ["simclr", "byol", "barlow", "dino", "mae", "supervised"];

    static SslMethod Build(string name, JsonElement c)
    {
        int hidden = c.GetProperty("hidden").GetInt32(), output = c.GetProperty("out").GetInt32();
        MethodConfig config = MethodRegistry.Get(name).Defaults switch
        {
            SimClrConfig m => m with { ProjectorHiddenDim = hidden, ProjectorOutputDim = output, ProjectorLayers = 2, Temperature = c.GetProperty("temperature").GetDouble() },
            ByolConfig m => m with { ProjectorHiddenDim = hidden, ProjectorOutputDim = output, ProjectorLayers = 2, PredictorHiddenDim = c.GetProperty("pred_hidden").GetInt32() },
            BarlowTwinsConfig m => m with { ProjectorHiddenDim = hidden, ProjectorOutputDim = output, ProjectorLayers = 3 },
            DinoConfig m => m with
            {
                DinoHiddenDim = c.GetProperty("dino_hidden").GetInt32(), DinoBottleneckDim = c.GetProperty("bottleneck").GetInt32(),
                DinoPrototypes = c.GetProperty("prototypes").GetInt32(),
            },
            MaeConfig m => m with { MaeDecoderDim = c.GetProperty("dec_dim").GetInt32(), MaeDecoderDepth = c.GetProperty("dec_depth").GetInt32(), MaeDecoderHeads = c.GetProperty("dec_heads").GetInt32() },
            SupervisedConfig m => m with { PosWeight = c.GetProperty("pos_weight").GetDouble() },
            var m => m,
        };
        Backbone backbone = name == "mae" ? new VisionTransformer(new BackboneConfig(BackboneConfig.VitTiny, 8), 2, dim: 16, depth: 1, heads: 2) : new TinyBackbone();
        return MethodFactory.Create(name, backbone, config, MethodRecipe.Published(MethodRegistry.Get(name)).Optimizer, createBackbone: () => new TinyBackbone());
    }

    static Tensor HashedView(string name, long[] shape)
    {
        var u = DeterministicWeights.HashUniform(name, shape.Aggregate(1L, (a, b) => a * b));
        return tensor(u.Select(v => (float)(2 * v - 1)).ToArray()).reshape(shape);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Three_steps_match_pytorch_in_float64(string name) => Run(name, ScalarType.Float64, 1e-9, 1e-9);

    void Run(string name, ScalarType dtype, double lossTolerance, double stateTolerance)
    {
        using var scope = NewDisposeScope();
        var golden = Fixtures.Json("methods/method_steps.json").GetProperty("methods").GetProperty(name);
        using var method = Build(name, golden.GetProperty("config"));
        DeterministicWeights.Fill(method);
        if (method is Dino)
            using (no_grad())
                foreach (var (key, p) in method.named_parameters(recurse: true).Where(p => p.name.EndsWith("weight_g"))) p.fill_(1);
        if (method is MomentumMethod momentum) momentum.ResetTeachers();
        method.to(dtype);
        var expectedKeys = golden.GetProperty("state").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(expectedKeys, method.state_dict().Keys.Where(k => !k.EndsWith("num_batches_tracked")).Order().ToList());

        using var optimizer = OptimizerSetup.Create(method, golden.GetProperty("batch").GetInt32());
        optimizer.LearningRate = golden.GetProperty("lr").GetDouble();
        using var generator = new Generator(99);
        var shapes = golden.GetProperty("view_shapes").EnumerateArray().Select(Fixtures.Shape).ToList();
        var expectedLosses = Fixtures.Doubles(golden.GetProperty("losses"));
        int steps = golden.GetProperty("steps").GetInt32();
        method.train();
        var losses = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            using var stepScope = NewDisposeScope();
            var views = shapes.Select((s, v) => HashedView($"view{v}_step{k}", s).to(dtype)).ToList();
            var progress = new TrainingProgress(Epoch: k, Step: k, StepsPerEpoch: 1, Epochs: steps);
            var step = method.TrainingStep(new StepInput(views, tensor(new float[] { 1, 0, 0, 1 }).to(dtype), progress, generator));
            losses[k] = step.Loss.to(ScalarType.Float64).item<double>();
            output.WriteLine($"step {k}: {losses[k]:G9} vs {expectedLosses[k]:G9}");
            optimizer.ZeroGrad();
            step.Loss.backward();
            method.OnAfterBackward(progress);
            optimizer.Step();
            method.OnAfterOptimizerStep(progress);
        }
        var (worst, worstStep) = GoldenDeviation.Of(expectedLosses, losses, relative: true);
        Assert.True(worst < lossTolerance, $"{name}: loss of step {worstStep} deviates by {worst:E2}");

        // Every element of every final tensor (student, teacher, DINO's centre, BatchNorm statistics), not a digest.
        double worstState = 0;
        string worstKey = "";
        var state = method.state_dict();
        foreach (var entry in golden.GetProperty("state").EnumerateObject())
        {
            using var expected = tensor(Fixtures.Doubles(entry.Value.GetProperty("values"))).reshape(Fixtures.Shape(entry.Value.GetProperty("shape")));
            var (dev, at) = GoldenDeviation.OfTensors(expected, state[entry.Name], relative: true);
            if (dev > worstState) (worstState, worstKey) = (dev, $"{entry.Name}[{at}]");
        }
        output.WriteLine($"{name}: loss deviation {worst:E2}, state deviation {worstState:E2} ({worstKey})");
        Assert.True(worstState < stateTolerance, $"{name}: {worstKey} deviates by {worstState:E2}");
    }

    [Fact]
    public void Mae_decoder_positions_are_maes_2d_sincos()
    {
        using var scope = NewDisposeScope();
        var want = Fixtures.Json("methods/method_steps.json").GetProperty("sincos_dim16_grid3");
        var expected = tensor(Fixtures.Doubles(want.GetProperty("data"))).reshape(Fixtures.Shape(want.GetProperty("shape")));
        var actual = MaeDecoder.SinCosPositions(16, 3, withClassToken: true).to(ScalarType.Float64);
        Assert.True(actual.sub(expected).abs().max().item<double>() < 1e-6);
    }
}
