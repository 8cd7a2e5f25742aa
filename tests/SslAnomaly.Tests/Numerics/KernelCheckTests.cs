using SslAnomaly.Backbones;
using SslAnomaly.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Numerics;

/// <summary>
/// The kernel check proven on a machine whose kernels are right: an injected wrong kernel (the faults seen on AMD Zen 5,
/// a wrong layer4 downsample forward and a wrong backward-data) must be caught, and the path the guard picks instead must
/// give the network it gives without the fault.
/// </summary>
[CollectionDefinition(nameof(KernelCheckTests), DisableParallelization = true)]
public sealed class KernelCheckCollection;

/// <remarks>Alone: the networks compared here are drawn from libtorch's global generator, which tests running beside them
/// would advance between the draws.</remarks>
[Collection(nameof(KernelCheckTests))]
public class KernelCheckTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>ResNet-18's layer4.0.downsample at 64 px with the ImageNet stem, as oneDNN's faulty brgconv_1x1 ran it.</summary>
    const string Downsample = "conv2d ic256 ih4 iw4 oc512 k1 s2 channels-last";

    static ResNet18 Net()
    {
        manual_seed(3);
        return (ResNet18)BackboneFactory.Create(new BackboneConfig(BackboneConfig.ResNet18, 64, Stem: ResNetStem.ImageNet));
    }

    static Tensor Images(long batch)
    {
        using var generator = new Generator(7);
        return randn([batch, 3, 64, 64], generator: generator);
    }

    /// <summary>
    /// Every op both backbones run has a path that passes, far inside the tolerance: the first on a CPU whose kernels are
    /// right, a remedy where libtorch's kernel is wrong (AMD Zen 5's layer4 downsample runs on NCHW data there).
    /// </summary>
    [Fact]
    public void Every_op_of_both_backbones_has_a_path_that_passes_with_room_to_spare()
    {
        foreach (var (name, patch) in new[] { (BackboneConfig.ResNet18, 0), (BackboneConfig.VitTiny, 16) })
        {
            using var net = BackboneFactory.Create(new BackboneConfig(name, 32, patch));
            foreach (var op in Ops(net, batch: 6))
            {
                var checks = op.Paths.Select(path => KernelCheck.Run(op, path)).ToList();
                var passing = checks.FirstOrDefault(c => c.Passed);
                output.WriteLine($"{op}: {string.Join("; ", checks.Select(c => c.Describe()))}");
                // Where a path is right, fp32 lands far inside the tolerance; the faults seen sit far outside it.
                Assert.True(passing is not null && Math.Max(passing.OutputError, Math.Max(passing.InputGradientError, passing.WeightGradientError)) < KernelCheck.Tolerance / 20,
                    $"{op}: {string.Join("; ", checks.Select(c => c.Describe()))}");
            }
        }
    }

    /// <summary>Every remedy computes the op it stands in for (libtorch's own path is judged, machine by machine, above).</summary>
    [Fact]
    public void Every_remedy_path_computes_the_same_op()
    {
        foreach (var op in new[]
                 {
                     new ConvOp(5, 6, 9, 7, 4, 3, 2, 1, true, MemoryLayout.ChannelsLast, false, true),
                     new ConvOp(5, 6, 8, 8, 4, 1, 2, 0, false, MemoryLayout.ChannelsLast, false, true),
                     new ConvOp(3, 6, 2, 2, 5, 3, 1, 1, false, MemoryLayout.ChannelsLast, true, true),
                     new ConvOp(3, 6, 2, 1, 5, 3, 1, 1, false, MemoryLayout.Nchw, true, false),
                 })
            foreach (var path in op.Paths.Where(p => p != KernelPath.Native))
                Assert.True(KernelCheck.Run(op, path).Passed, $"{op} on {path}: {KernelCheck.Run(op, path).Describe()}");
        foreach (var op in new KernelOp[] { new BatchNormOp(6, 4, 3, 3, MemoryLayout.ChannelsLast, true, true), new BatchNormOp(6, 4, 3, 3, MemoryLayout.Nchw, false, false),
                     new LayerNormOp(3, 5, 8, 1e-6, true), new AttentionOp(3, 2, 5, 4, true), new LinearOp(4, 3, 6, 5, true, true) })
            foreach (var path in op.Paths.Where(p => p != KernelPath.Native))
                Assert.True(KernelCheck.Run(op, path).Passed, $"{op} on {path}: {KernelCheck.Run(op, path).Describe()}");
    }

    [Theory]
    [InlineData("output", "nchw")]
    [InlineData("input-grad", "nchw")]
    [InlineData("weight-grad", "nchw")]
    [InlineData("nan", "nchw")]
    public void A_wrong_downsample_kernel_is_caught_and_the_network_stays_right(string effect, string remedy)
    {
        using var scope = NewDisposeScope();
        var images = Images(4);
        var (expected, expectedGrads) = ForwardBackward(images);

        var fault = KernelFault.Parse($"{effect}: {Downsample} path=native", "test");
        using (KernelFaults.Inject(fault))
        {
            using var recording = KernelGuard.Record();
            var (y, grads) = ForwardBackward(images);
            var report = recording.Report();
            output.WriteLine(report.Summary());
            // This op's failure, whatever else a CPU with wrong kernels of its own reports beside it.
            var failure = Assert.Single(report.Failures, f => f.Op.StartsWith("conv2d mb4 ic256 ih4 iw4 oc512 k1 s2", StringComparison.Ordinal));
            Assert.Equal(remedy, failure.Remedy);
            Assert.Contains(failure.Failed, f => f.StartsWith("native: WRONG", StringComparison.Ordinal));
            Assert.Equal(fault.Spec, report.FaultInjected);
            // The network with the remedy is the network without the fault.
            // NCHW sums in another order than channels-last: the same network up to fp32 rounding, far from the fault's 0.1-25.
            AssertClose("output", y, expected);
            foreach (var (name, grad) in grads) AssertClose($"{name}'s gradient", grad, expectedGrads[name]);
        }
    }

    [Fact]
    public void The_injected_fault_is_real_where_the_guard_is_bypassed()
    {
        var op = new ConvOp(4, 256, 4, 4, 512, 1, 2, 0, false, MemoryLayout.ChannelsLast, false, true);
        using (KernelFaults.Inject(KernelFault.Parse($"output: {Downsample} path=native", "test")))
        {
            var check = KernelCheck.Run(op, KernelPath.Native);
            Assert.False(check.Passed);
            Assert.True(check.OutputError > 0.1, check.Describe());
            Assert.True(KernelCheck.Run(op, KernelPath.Nchw).Passed);
        }
    }

    [Fact]
    public void A_fault_on_every_path_stops_the_run_naming_the_op_the_cpu_and_what_was_tried()
    {
        using var net = Net();
        using (KernelFaults.Inject(KernelFault.Parse($"nan: {Downsample}", "test")))
        {
            net.eval();
            using var noGrad = no_grad();
            var e = Assert.Throws<KernelCheckException>(() => net.call(Images(2)));
            output.WriteLine(e.Message);
            Assert.Contains("conv2d mb2 ic256 ih4 iw4 oc512 k1 s2 p0 nobias channels-last fwd", e.Message);
            Assert.Contains(CpuInfo.Read().ModelName, e.Message);
            Assert.Contains("native: WRONG", e.Message);
            Assert.Contains("nchw: WRONG", e.Message);
            Assert.Contains("products: WRONG", e.Message);
            Assert.Contains("ONEDNN_MAX_CPU_ISA", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void A_wrong_attention_kernel_falls_back_to_the_textbook_formula()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var vit = BackboneFactory.Create(new BackboneConfig(BackboneConfig.VitTiny, 32, 8));
        vit.eval();
        using var noGrad = no_grad();
        using var generator = new Generator(2);
        var images = randn([3, 3, 32, 32], generator: generator);
        var expected = vit.call(images);
        using (KernelFaults.Inject(KernelFault.Parse("output: attention path=native", "test")))
        {
            using var recording = KernelGuard.Record();
            var y = vit.call(images);
            Assert.Equal("math", Assert.Single(recording.Report().Failures, f => f.Op.StartsWith("attention", StringComparison.Ordinal)).Remedy);
            AssertClose("output", y, expected);
        }
    }

    [Theory]
    [InlineData("wrong: conv2d", "EFFECT")]
    [InlineData("conv2d k1", "EFFECT")]
    [InlineData("output:   ", "names no op")]
    public void A_malformed_fault_names_the_variable_and_the_form(string spec, string hint)
    {
        var e = Assert.Throws<UserInputException>(() => KernelFault.Parse(spec, KernelFaults.EnvironmentVariable));
        Assert.StartsWith(KernelFaults.EnvironmentVariable, e.Message);
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public void Verdicts_are_cached_on_disk_under_the_machines_fingerprint()
    {
        // An op no backbone runs, so that this test's verdict is its own.
        var op = new LinearOp(3, 1, 17, 13, true, false);
        using var layer = nn.Linear(17, 13);
        using var recording = KernelGuard.Record();
        using (no_grad()) Kernels.Linear(layer, randn(3, 17));
        var report = recording.Report();
        string cached = File.ReadAllText(report.CacheFile);
        Assert.Contains(op.Descriptor, cached);
        Assert.Contains($"threads={get_num_threads()}", cached);
        Assert.Contains($"family={CpuInfo.Read().Family}", cached);
    }

    [Fact]
    public void Cpu_facts_come_from_the_first_processor_of_proc_cpuinfo()
    {
        var cpu = CpuInfo.Parse("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC 9B45\nstepping\t: 1\n" +
                                "flags\t\t: fpu avx2 fma avx512f avx512_bf16 avx512_vp2intersect\n\nprocessor\t: 1\nmodel name\t: other\n");
        Assert.Equal(("AuthenticAMD", "AMD EPYC 9B45", 26, 2, 1), (cpu.Vendor, cpu.ModelName, cpu.Family, cpu.Model, cpu.Stepping));
        Assert.Equal(["avx2", "fma", "avx512f", "avx512_bf16", "avx512_vp2intersect"], cpu.KernelFlagsPresent);
    }

    [Fact]
    public void LibTorch_reports_its_onednn_version_and_cpu_capability()
    {
        var build = LibTorchBuild.Read();
        Assert.Matches(@"^\d+\.\d+", build.OneDnnVersion);
        Assert.Matches("^(DEFAULT|AVX2|AVX512|ZVECTOR|SVE\\d*|NO AVX)", build.CpuCapability);
        Assert.Equal(new LibTorchBuild("3.7.1", "AVX512", "2024.2"),
            LibTorchBuild.Parse("  - Math Kernel Library Version 2024.2-Product Build\n  - Intel(R) MKL-DNN v3.7.1 (Git Hash 8d2)\n  - CPU capability usage: AVX512\n"));
    }

    static void AssertClose(string what, Tensor actual, Tensor expected)
    {
        double error = (actual - expected).abs().max().ToDouble() / Math.Max(expected.abs().max().ToDouble(), 1e-12);
        Assert.True(error < 1e-4, $"{what} differs by {error:E2} of its largest magnitude");
    }

    /// <summary>Output of a training-mode forward and the gradient of every parameter.</summary>
    static (Tensor Output, Dictionary<string, Tensor> Grads) ForwardBackward(Tensor images)
    {
        using var net = Net();
        net.train();
        var y = net.call(images);
        y.pow(2).sum().backward();
        var grads = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone().DetachFromDisposeScope());
        return (y.detach().clone().DetachFromDisposeScope(), grads);
    }

    /// <summary>Every op <paramref name="net"/> runs at <paramref name="batch"/>, as training and as extraction.</summary>
    static IReadOnlyList<KernelOp> Ops(Backbone net, int batch)
    {
        using var recording = KernelGuard.Record();
        net.Exercise(batch);
        Assert.True(recording.Ops.Count > 5, $"only {recording.Ops.Count} ops recorded");
        return recording.Ops;
    }
}
