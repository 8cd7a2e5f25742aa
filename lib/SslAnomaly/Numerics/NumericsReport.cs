using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>An op whose first path failed the kernel check, and the path it runs on instead (null: none passed).</summary>
public sealed record KernelFailure(string Op, IReadOnlyList<string> Failed, string? Remedy);

/// <summary>
/// result.json's "numerics": on which CPU and libtorch build the run computed, how many op shapes the kernel check covered,
/// which failed and what ran instead. A run with no failures ran every op on libtorch's own kernels, checked.
/// </summary>
public sealed record NumericsReport
{
    public required string Cpu { get; init; }
    public required string CpuVendor { get; init; }
    public required int CpuFamily { get; init; }
    public required int CpuModel { get; init; }
    public required IReadOnlyList<string> CpuFlags { get; init; }
    /// <summary>The CPU capability ATen dispatches to (AVX2, AVX512...), as libtorch's build configuration reports it.</summary>
    public required string CpuCapability { get; init; }
    /// <summary>ONEDNN_MAX_CPU_ISA when set: a cap on the instruction set oneDNN may use.</summary>
    public string? OnednnIsaCap { get; init; }
    public required string Libtorch { get; init; }
    public required string Onednn { get; init; }
    public required string Mkl { get; init; }
    /// <summary>MKL_CBWR when the user set it (MKL's conditional numerical reproducibility).</summary>
    public string? MklCbwr { get; init; }
    public required int Threads { get; init; }
    public required int OpsChecked { get; init; }
    /// <summary>Of <see cref="OpsChecked"/>, how many this process checked itself (the rest were cached verdicts). Not in
    /// result.json: it depends on what ran before on the machine, and the same run must give the same record.</summary>
    [JsonIgnore] public int OpsCheckedNow { get; init; }
    public required double CheckSeconds { get; init; }
    public required IReadOnlyList<KernelFailure> Failures { get; init; }
    public string? FaultInjected { get; init; }
    public required double Tolerance { get; init; }
    [JsonIgnore] public string CacheFile { get; init; } = "";

    /// <summary>Every op ran on its first path: nothing failed.</summary>
    [JsonIgnore] public bool Clean => Failures.Count == 0;

    public static NumericsReport Create(IReadOnlyList<OpVerdict> used, int checkedNow, double seconds, string cacheFile)
    {
        var cpu = CpuInfo.Read();
        var build = LibTorchBuild.Read();
        return new NumericsReport
        {
            Cpu = cpu.ModelName, CpuVendor = cpu.Vendor, CpuFamily = cpu.Family, CpuModel = cpu.Model, CpuFlags = cpu.KernelFlagsPresent,
            CpuCapability = build.CpuCapability, OnednnIsaCap = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA"),
            Libtorch = __version__, Onednn = build.OneDnnVersion, Mkl = build.MklVersion,
            MklCbwr = Environment.GetEnvironmentVariable("MKL_CBWR"), Threads = get_num_threads(),
            OpsChecked = used.Count, OpsCheckedNow = checkedNow, CheckSeconds = Math.Round(seconds, 3),
            Failures = used.Where(v => v.Failed)
                .Select(v => new KernelFailure(v.Op, v.Tried.Where(t => !t.Passed).Select(t => t.Describe()).ToList(), v.Chosen is { } c ? KernelFaults.PathName(c) : null))
                .ToList(),
            FaultInjected = KernelFaults.Current?.Spec, Tolerance = KernelCheck.Tolerance, CacheFile = cacheFile,
        };
    }

    /// <summary>One line for run.log, the report and notebook 00.</summary>
    public string Summary() =>
        $"numerics: {OpsChecked} op shapes checked against float64 on {Cpu} (family {CpuFamily} model {CpuModel}, {CpuCapability}), libtorch {Libtorch}, oneDNN {Onednn}: " +
        (Clean ? "all right on libtorch's kernels" : $"{Failures.Count} wrong, {string.Join("; ", Failures.Select(f => $"{f.Op} -> {f.Remedy ?? "none"}"))}") +
        (FaultInjected is { } fault ? $" (fault injected: {fault})" : "");
}
