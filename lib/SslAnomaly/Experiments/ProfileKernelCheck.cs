using SslAnomaly.Backbones;
using SslAnomaly.Numerics;

namespace SslAnomaly.Experiments;

/// <summary>What the kernel check found for one backbone of a profile: its report, or why no path of some op passed.</summary>
public sealed record BackboneKernels(string Backbone, int Resolution, int BatchSize, NumericsReport? Report, string? Failure)
{
    public bool Usable => Failure is null;

    public string Describe() => $"{Backbone} at {Resolution} px, batch {BatchSize}: " + (Report is { } r
        ? $"{r.OpsChecked} op shapes, {r.OpsCheckedNow} checked now in {r.CheckSeconds:F1} s, " +
          (r.Clean ? "all right on libtorch's kernels" : $"{r.Failures.Count} wrong, running on remedies: " +
              string.Join("; ", r.Failures.Select(f => $"{f.Op} -> {f.Remedy}")))
        : $"FAILED: {Failure}");
}

/// <summary>
/// Every op shape a profile's backbones run, training and extraction, checked against float64 now (or read from the
/// cache): what `doctor` and notebook 00 show before any run starts.
/// </summary>
public static class ProfileKernelCheck
{
    public static IReadOnlyList<BackboneKernels> Run(string profile) => BackboneConfig.Names.Select(name =>
    {
        var config = ExperimentConfigBuilder.Build(profile, sets: [$"backbone={name}"]);
        using var recording = KernelGuard.Record();
        try
        {
            using var backbone = BackboneFactory.Create(config.BackboneSettings());
            backbone.Exercise(config.BatchSize);
            return new BackboneKernels(name, config.Resolution, config.BatchSize, recording.Report(), null);
        }
        catch (KernelCheckException e)
        {
            return new BackboneKernels(name, config.Resolution, config.BatchSize, null, e.Message);
        }
    }).ToList();
}
