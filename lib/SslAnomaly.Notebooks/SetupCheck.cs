using System.Runtime.InteropServices;
using SslAnomaly.Native;

namespace SslAnomaly.Notebooks;

/// <summary>One line of the environment check: what was checked, what was found, and whether it is fine.</summary>
public sealed record CheckLine(string Check, string Found, bool Ok);

/// <summary>
/// What <see cref="SetupCheck.Run"/> found on the machine the notebook runs on. It is shown marked as such
/// (<see cref="MachineMarker"/>), so that a check of committed notebook outputs made on another machine leaves it alone:
/// it describes that machine, not the study.
/// </summary>
public sealed record SetupReport(IReadOnlyList<CheckLine> Lines)
{
    /// <summary>The attribute of the element that holds an output describing the machine that produced it.</summary>
    public const string MachineMarker = "data-ssl-anomaly-machine";

    TextTable Table() => Tables.TryFromRecords(Lines)!;

    public string ToHtml() => $"<div {MachineMarker}=\"this machine\">{Table().ToHtml()}</div>";

    public string ToText() => Table().ToText();
}

/// <summary>
/// The notebook form of `ssl-anomaly doctor`: .NET, TorchSharp and libtorch versions, how libtorch was
/// loaded (and whether the GLIBCXX fix was needed), threads, CUDA, a tiny forward/backward pass, the CPU, and the kernel check
/// of the profile's backbones (wrong kernels and their remedies).
/// </summary>
public static class SetupCheck
{
    public static SetupReport Run() => new(Lines());

    static IReadOnlyList<CheckLine> Lines()
    {
        var lines = new List<CheckLine>
        {
            new(".NET", $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})", true),
            new("TorchSharp", EnvironmentReport.TorchSharpVersion, true),
            new("profile", NotebookProfile.Current, true),
        };
        TorchLoadReport load;
        try
        {
            load = TorchRuntime.EnsureLoaded();
        }
        catch (TorchLoadException e)
        {
            lines.Add(new("libtorch", e.Message, false));
            return lines;
        }
        var env = EnvironmentReport.Collect();
        lines.Add(new("libtorch", $"{env.LibTorchVersion} from {load.NativeDirectory}", true));
        lines.Add(new("compat fix", load.Describe(), true));
        lines.Add(new("threads", $"{env.Threads} intra-op, {env.InteropThreads} inter-op ({Environment.ProcessorCount} cores)", true));
        lines.Add(new("CUDA", env.CudaAvailable ? $"{env.CudaDevices} device(s): {env.CudaDeviceName}" : "not available (CPU build or no GPU)", true));
        var check = EnvironmentReport.ForwardBackwardCheck();
        lines.Add(new("forward/backward", check.Message, check.Ok));
        lines.Add(new("CPU", Numerics.CpuInfo.Read().Describe(), true));
        // The kernels this profile's backbones run, against float64: a wrong kernel and the remedy in force show here.
        foreach (var backbone in Experiments.ProfileKernelCheck.Run(NotebookProfile.Current))
            lines.Add(new($"kernels ({backbone.Backbone})", backbone.Describe(), backbone.Usable));
        return lines;
    }

    /// <summary>Stops a notebook (and the headless run) when a check failed, naming what failed.</summary>
    public static void EnsureOk(SetupReport report)
    {
        var failed = report.Lines.Where(l => !l.Ok).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException("environment check failed: " + string.Join("; ", failed.Select(l => $"{l.Check}: {l.Found}")));
    }
}
