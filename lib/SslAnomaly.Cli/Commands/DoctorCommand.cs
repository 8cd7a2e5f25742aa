using System.CommandLine;
using System.Runtime.InteropServices;
using SslAnomaly.Native;

namespace SslAnomaly.Cli.Commands;

/// <summary>`ssl-anomaly doctor`: is libtorch usable here, and how was it loaded?</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check the .NET/TorchSharp/libtorch set-up and run a tiny forward/backward.");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    public static int Run(TextWriter output)
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
        output.WriteLine("libtorch: OK");
        return 0;
    }
}
