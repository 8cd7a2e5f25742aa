using System.Diagnostics;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Native;

/// <summary>Versions, threads and devices of the running libtorch, for `doctor` and run records.</summary>
public sealed record EnvironmentReport(string LibTorchVersion, int Threads, int InteropThreads, bool CudaAvailable, int CudaDevices, string CudaDeviceName)
{
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// The git commit this library was built from: the .NET SDK stamps it into the informational version
    /// ("1.0.0+sha") when it builds inside a git checkout. Uncommitted changes do not show; "unknown" outside git.
    /// </summary>
    public static string CodeCommit =>
        typeof(EnvironmentReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } version
        && version.IndexOf('+') is var plus and >= 0 && plus + 1 < version.Length
            ? version[(plus + 1)..]
            : "unknown";

    public static EnvironmentReport Collect()
    {
        TorchRuntime.EnsureLoaded();
        bool cuda = torch.cuda.is_available();
        int devices = cuda ? torch.cuda.device_count() : 0;
        return new EnvironmentReport(torch.__version__, torch.get_num_threads(), torch.get_num_interop_threads(), cuda, devices, cuda ? GpuName() : "");
    }

    /// <summary>TorchSharp exposes no device-name call; nvidia-smi does, where a GPU is present.</summary>
    static string GpuName()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name --format=csv,noheader")
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return "unknown";
            string name = p.StandardOutput.ReadToEnd().Trim().Split('\n')[0];
            p.WaitForExit(5000);
            return string.IsNullOrEmpty(name) ? "unknown" : name;
        }
        catch (Exception)
        {
            return "unknown (nvidia-smi not found)";
        }
    }

    /// <summary>A tiny convolution + linear forward/backward on the default device; checks finite grads.</summary>
    public static (bool Ok, string Message) ForwardBackwardCheck()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var device = torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        torch.manual_seed(0);
        var conv = nn.Conv2d(3, 4, 3, padding: 1).to(device);
        var head = nn.Linear(4, 1).to(device);
        var x = torch.randn(2, 3, 8, 8, device: device);
        var y = head.call(conv.call(x).mean([2, 3]));
        var loss = y.pow(2).mean();
        loss.backward();
        var grad = conv.weight!.grad;
        bool ok = grad is not null && torch.isfinite(grad).all().item<bool>() && float.IsFinite(loss.item<float>());
        return (ok, ok ? $"ok on {device.type} (loss {loss.item<float>():G4}, conv grad norm {grad!.norm().item<float>():G4})" : "FAILED: non-finite loss or missing gradient");
    }
}
