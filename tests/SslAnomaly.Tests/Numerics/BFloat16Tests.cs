using SslAnomaly.Backbones;
using SslAnomaly.Experiments;
using SslAnomaly.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Numerics;

/// <summary>
/// Bfloat16 compute: the backbone's activations in bfloat16 with float32 weights and features, every bfloat16 op under the
/// kernel check with a tolerance of its own, and the choice recorded in config.json only when it is made.
/// </summary>
[Collection(nameof(KernelCheckTests))]
public class BFloat16Tests(Xunit.Abstractions.ITestOutputHelper output)
{
    static Backbone Net(string name, ComputePrecision precision)
    {
        manual_seed(5);
        return BackboneFactory.Create(new BackboneConfig(name, 32, name == BackboneConfig.VitTiny ? 8 : 0, Precision: precision));
    }

    static Tensor Images()
    {
        using var generator = new Generator(9);
        return randn([6, 3, 32, 32], generator: generator);
    }

    static double RelativeError(Tensor actual, Tensor expected) =>
        (actual.to(float64) - expected.to(float64)).abs().max().ToDouble() / Math.Max(expected.abs().max().ToDouble(), 1e-12);

    /// <remarks>
    /// Compared in both modes. With running statistics (eval) the bfloat16 network is float32's to a few 1e-3 and every
    /// gradient points float32's way (cosine above 0.97). With batch statistics (train) each batch norm normalises by
    /// statistics of bfloat16 activations and its backward subtracts two means of bfloat16 gradients, which compounds
    /// over ResNet-18's twenty norms at this tiny batch: features within a few percent, the first layers' gradients at
    /// cosine 0.9-0.95 (the ViT's layer norms keep it above 0.999). Whether that changes what a run learns is for
    /// whole runs to say against float32's intervals (docs/precision.md); this test holds the mechanics.
    /// </remarks>
    [Theory]
    [InlineData(BackboneConfig.ResNet18, false, 0.01, 0.97)]
    [InlineData(BackboneConfig.ResNet18, true, 0.06, 0.85)]
    [InlineData(BackboneConfig.VitTiny, false, 0.03, 0.999)]
    [InlineData(BackboneConfig.VitTiny, true, 0.03, 0.999)]
    public void A_bfloat16_backbone_computes_the_float32_network_to_bfloat16_rounding_with_float32_features_and_gradients(
        string name, bool training, double featureTolerance, double lowestCosine)
    {
        using var scope = NewDisposeScope();
        var images = Images();
        using var fp32 = Net(name, ComputePrecision.Float32);
        using var bf16 = Net(name, ComputePrecision.BFloat16);
        fp32.train(training);
        bf16.train(training);
        // A fixed random projection of the features as the loss: a sum of squares after the ViT's final layer norm is
        // constant, so its gradient would be rounding noise on both sides.
        using var generator = new Generator(11);
        var projection = randn([images.shape[0], fp32.FeatureDim], generator: generator);
        var expected = fp32.call(images);
        expected.mul(projection).sum().backward();

        var ops = new List<KernelOp>();
        Tensor actual;
        using (Kernels.Observe(ops.Add)) actual = bf16.call(images);
        actual.mul(projection).sum().backward();

        // Every checked op ran in bfloat16 (a missing cast would leave some in float32), and the features leave in float32.
        Assert.NotEmpty(ops);
        Assert.All(ops, op => Assert.Equal(ComputePrecision.BFloat16, op.Precision));
        Assert.Equal(ScalarType.Float32, actual.dtype);
        // Not zero either: zero would mean the network still computed in float32.
        double error = RelativeError(actual, expected);
        output.WriteLine($"{name} ({(training ? "train" : "eval")}): features differ by {error:E2} of the largest");
        Assert.InRange(error, 1e-4, featureTolerance);
        // Each parameter's gradient reaches its float32 weight through the casts and points the way float32's does (a
        // missing path would give no gradient, a wrong one a cosine near 0).
        foreach (var ((pname, p32), (_, p16)) in fp32.named_parameters().Zip(bf16.named_parameters()))
        {
            Assert.Equal(ScalarType.Float32, p16.dtype);
            Assert.True(p16.grad is not null && p16.grad.dtype == ScalarType.Float32, $"{pname}: no float32 gradient");
            double cosine = nn.functional.cosine_similarity(p16.grad!.flatten().to(float64), p32.grad!.flatten().to(float64), dim: 0).ToDouble();
            Assert.True(cosine > lowestCosine, $"{pname}'s gradient has cosine {cosine:F4} with float32's");
        }
    }

    [Fact]
    public void Every_bfloat16_op_is_checked_against_float64_within_its_own_tolerance()
    {
        KernelOp[] ops =
        [
            new ConvOp(5, 16, 8, 8, 32, 3, 1, 1, false, MemoryLayout.ChannelsLast, false, true) { Precision = ComputePrecision.BFloat16 },
            new ConvOp(5, 64, 4, 4, 128, 1, 2, 0, false, MemoryLayout.ChannelsLast, false, true) { Precision = ComputePrecision.BFloat16 },
            new ConvOp(3, 32, 2, 2, 32, 3, 1, 1, false, MemoryLayout.ChannelsLast, true, true) { Precision = ComputePrecision.BFloat16 },
            new BatchNormOp(6, 8, 3, 3, MemoryLayout.ChannelsLast, true, true) { Precision = ComputePrecision.BFloat16 },
            new LayerNormOp(3, 5, 16, 1e-6, true) { Precision = ComputePrecision.BFloat16 },
            new AttentionOp(3, 2, 5, 8, true) { Precision = ComputePrecision.BFloat16 },
            new LinearOp(4, 3, 64, 32, true, true) { Precision = ComputePrecision.BFloat16 },
        ];
        foreach (var op in ops)
        {
            Assert.EndsWith(" bf16", op.Descriptor);
            foreach (var path in op.Paths)
            {
                var check = KernelCheck.Run(op, path);
                output.WriteLine($"{op} on {path}: {check.Describe()}");
                Assert.Equal(KernelCheck.BFloat16Tolerance, check.Tolerance);
                Assert.True(check.Passed, $"{op} on {path}: {check.Describe()}");
                // Bfloat16 rounding shows (the op really ran in bfloat16), well inside the tolerance.
                double worst = Math.Max(check.OutputError, Math.Max(check.InputGradientError, check.WeightGradientError));
                Assert.InRange(worst, KernelCheck.Tolerance / 10, KernelCheck.BFloat16Tolerance / 3);
            }
        }
        // The float32 op reads as it always has, so the verdicts cached before the choice existed still apply.
        Assert.Equal("linear mb4 rows3 in64 out32 bias fwd+bwd", new LinearOp(4, 3, 64, 32, true, true).Descriptor);
    }

    [Fact]
    public void A_wrong_bfloat16_kernel_is_caught_and_its_remedy_runs()
    {
        using var scope = NewDisposeScope();
        using var net = Net(BackboneConfig.ResNet18, ComputePrecision.BFloat16);
        net.train();
        using (KernelFaults.Inject(KernelFault.Parse("output: conv2d ic256 oc512 k1 s2 bf16 path=native", "test")))
        {
            using var recording = KernelGuard.Record();
            net.call(Images()).sum().backward();
            var failure = Assert.Single(recording.Report().Failures, f => f.Op.Contains("ic256", StringComparison.Ordinal) && f.Op.Contains("oc512 k1 s2", StringComparison.Ordinal));
            Assert.EndsWith("bf16", failure.Op);
            Assert.Contains(failure.Failed, f => f.StartsWith("native: WRONG", StringComparison.Ordinal));
            Assert.NotEqual("native", failure.Remedy);
        }
    }

    [Fact]
    public void Config_json_names_the_precision_only_when_it_is_chosen()
    {
        var standard = ExperimentConfigBuilder.Build("quick", null, new ExperimentChoices { Method = "simclr" });
        Assert.Equal(ComputePrecision.Float32, standard.Precision);
        Assert.DoesNotContain("precision", standard.ToJson());

        var bf16 = ExperimentConfigBuilder.Build("quick", null, new ExperimentChoices { Method = "simclr" }, ["precision=bfloat16"]);
        Assert.Equal(ComputePrecision.BFloat16, bf16.Precision);
        Assert.Contains("\"precision\": \"bfloat16\"", bf16.ToJson());
        Assert.Equal(ComputePrecision.BFloat16, bf16.BackboneSettings().Precision);
        Assert.Equal(bf16.ToJson(), ExperimentConfigBuilder.Build("quick", null, null, ["precision=bfloat16", "method=simclr"]).ToJson());

        var e = Assert.Throws<UserInputException>(() => ExperimentConfigBuilder.Build("quick", null, null, ["precision=float16"]));
        output.WriteLine(e.Message);
        Assert.Contains("precision", e.Message);
    }
}
