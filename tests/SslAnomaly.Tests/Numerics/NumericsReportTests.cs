using SslAnomaly.Numerics;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Numerics;

public class NumericsReportTests
{
    static NumericsReport Numerics(params KernelFailure[] failures) => new()
    {
        Cpu = "AMD EPYC 9B45", CpuVendor = "AuthenticAMD", CpuFamily = 26, CpuModel = 2, CpuFlags = ["avx512f"], CpuCapability = "AVX512",
        Libtorch = "2.10.0", Onednn = "3.7.1", Mkl = "2024.2", MklCbwr = "AUTO", Threads = 2, OpsChecked = 30, OpsCheckedNow = 0, CheckSeconds = 0,
        Failures = failures, Tolerance = KernelCheck.Tolerance,
    };

    static RunResult Run(string method, NumericsReport? numerics) => new()
    {
        Status = RunStatus.Completed, Method = method, Backbone = "resnet18", Resolution = 64, TrainDefectPct = 45, Seed = 0, Profile = "quick",
        ManifestSha256 = "", ConfigSha256 = "", Numerics = numerics,
    };

    [Fact]
    public void The_report_names_the_runs_that_ran_on_a_remedy_and_the_remedy()
    {
        var wrong = new KernelFailure("conv2d mb64 ic256 ih4 iw4 oc512 k1 s2 p0 nobias channels-last fwd+bwd", ["native: WRONG (output 5.7e+0)"], "nchw");
        string sentence = ReportWriter.NumericsSentence([Run("simclr", Numerics(wrong)), Run("byol", Numerics()), Run("dino", null)]);
        TextAssert.ContainsAll(sentence,
            "1 of 2 runs met a wrong libtorch kernel",
            $"{wrong.Op} -> nchw",
            "simclr/resnet18/45%",
            "AMD EPYC 9B45 (family 26 model 2, AVX512)",
            "1 runs predate the check");
        Assert.DoesNotContain("byol", sentence);
    }

    [Fact]
    public void Clean_runs_say_every_op_passed_and_where()
    {
        string sentence = ReportWriter.NumericsSentence([Run("simclr", Numerics()), Run("byol", Numerics())]);
        Assert.Equal("Numerics: every op of 2 runs passed the kernel check against float64 on libtorch's own kernels, on AMD EPYC 9B45 (family 26 model 2, AVX512).", sentence);
        Assert.Contains("predate", ReportWriter.NumericsSentence([Run("simclr", null)]));
    }

    [Fact]
    public void The_run_log_line_names_failures_and_the_fault_injected()
    {
        var report = Numerics(new KernelFailure("attention mb4 heads3 tokens17 dh64 fwd", ["native: WRONG"], "math")) with { FaultInjected = "output: attention path=native" };
        Assert.Contains("1 wrong, attention mb4 heads3 tokens17 dh64 fwd -> math (fault injected: output: attention path=native)", report.Summary());
        Assert.Contains("all right on libtorch's kernels", Numerics().Summary());
    }
}
