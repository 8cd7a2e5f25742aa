using System.CommandLine;
using System.Runtime.InteropServices;
using SslAnomaly.Experiments;
using SslAnomaly.Native;
using SslAnomaly.Numerics;

namespace SslAnomaly.Cli.Commands;

/// <summary>`ssl-anomaly doctor`: is libtorch usable here, and how was it loaded?</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check the .NET/TorchSharp/libtorch set-up, run a tiny forward/backward, and check every kernel " +
                                            "a profile's backbones run against float64.");
        var profile = new Option<string>("--profile") { Description = "the profile whose backbones' kernels are checked", DefaultValueFactory = _ => Profiles.Quick };
        profile.AcceptOnlyFromAmong([.. Profiles.Names]);
        command.Options.Add(profile);
        command.SetAction(parse => Run(Console.Out, parse.GetValue(profile)!));
        return command;
    }

    public static int Run(TextWriter output, string profile = Profiles.Quick)
    {
        output.WriteLine($".NET:        {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})");
        output.WriteLine($"workbook:    commit {EnvironmentReport.CodeCommit}");
        output.WriteLine($"TorchSharp:  {EnvironmentReport.TorchSharpVersion}");
        TorchLoadReport report;
        try
        {
            report = TorchRuntime.EnsureLoaded();
        }
        catch (TorchLoadException e)
        {
            output.WriteLine($"libtorch:    FAILED: {e.Message}");
            return 1;
        }
        var env = EnvironmentReport.Collect();
        output.WriteLine($"libtorch:    {env.LibTorchVersion} from {report.NativeDirectory}");
        output.WriteLine($"compat fix:  {report.Describe()}");
        output.WriteLine($"load time:   {report.Seconds:F2} s");
        output.WriteLine($"threads:     {env.Threads} intra-op, {env.InteropThreads} inter-op ({Environment.ProcessorCount} cores)");
        output.WriteLine($"CUDA:        {(env.CudaAvailable ? $"available, {env.CudaDevices} device(s): {env.CudaDeviceName}" : "not available (CPU build or no GPU)")}");
        var check = EnvironmentReport.ForwardBackwardCheck();
        output.WriteLine($"fwd/bwd:     {check.Message}");
        if (!check.Ok) return 1;
        if (!KernelTable(output, profile)) return 1;
        output.WriteLine("libtorch: OK");
        return 0;
    }

    /// <summary>Every op shape the profile's backbones run against float64; false when an op has no path that passes.</summary>
    static bool KernelTable(TextWriter output, string profile)
    {
        var backbones = ProfileKernelCheck.Run(profile);
        foreach (var backbone in backbones)
        {
            output.WriteLine($"kernels:     {backbone.Describe()}");
            foreach (var failure in backbone.Report?.Failures ?? [])
                output.WriteLine($"               {failure.Op}: {string.Join("; ", failure.Failed)}; runs on {failure.Remedy}");
        }
        var numerics = NumericsReport.Create([], 0, 0, "");
        output.WriteLine($"CPU:         {CpuInfo.Read().Describe()}; ATen {numerics.CpuCapability}, oneDNN {numerics.Onednn}, MKL {numerics.Mkl}" +
                         (numerics.MklCbwr is { } cbwr ? $" (MKL_CBWR={cbwr})" : "") +
                         (numerics.OnednnIsaCap is { } cap ? $", ONEDNN_MAX_CPU_ISA={cap}" : "") +
                         (numerics.FaultInjected is { } fault ? $"; fault injected: {fault}" : ""));
        output.WriteLine($"cache:       {KernelGuard.CacheDirectory()}");
        return backbones.All(b => b.Usable);
    }
}
