using SslAnomaly.Eval;
using SslAnomaly.Training;

namespace SslAnomaly.Experiments;

/// <summary>
/// Probes every epoch: frozen features of the probe-training set and the validation union, the weighted linear probe,
/// and its F1 on every validation subset, logged as "probe/f1/&lt;key&gt;" (<see cref="CurveName"/>) at the epoch's step.
/// Model selection without labels (<c>Analysis.ModelSelection</c>) needs these per-epoch F1 values as its yardstick. It is an observation, not
/// part of the experiment: eval-mode forward passes and a deterministic probe change no weight, no random stream and no
/// number in result.json, so it stays out of config.json and is switched on for a process by
/// <see cref="EnvironmentVariable"/> (inherited by sweep children and Slurm tasks). It costs a feature extraction and a
/// probe per epoch, which is why it is off by default.
/// </summary>
public sealed class EpochProbeMonitor(
    Func<FeatureSet> probeFeatures,
    Func<FeatureSet> validationFeatures,
    IReadOnlyList<(string Key, IReadOnlyList<string> Filenames)> subsets,
    LinearProbeOptions options) : ITrainingMonitor
{
    public const string EnvironmentVariable = "SSL_ANOMALY_PROBE_EVERY_EPOCH";

    public static bool Requested =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { } v && v is "1" or "true" or "yes";

    public static string CurveName(string validationKey) => $"probe/f1/{validationKey}";

    public string Name => "probe";

    public void OnEpochEnd(EpochSnapshot snapshot, IMetricsSink sink)
    {
        var train = probeFeatures();
        var validation = validationFeatures();
        var probe = LinearProbe.Train(train, options);
        var readable = validation.Filenames.ToHashSet(StringComparer.Ordinal);
        var columns = subsets.Select(s => ValidationSubset.FromFilenames(s.Key, s.Filenames.Where(readable.Contains).ToList(), validation)).ToList();
        foreach (var result in ImbalanceGrid.Evaluate(probe, validation, columns, intervals: false).Subsets)
            sink.Log(snapshot.Step, CurveName(result.Key), result.Metrics.F1);
        sink.Flush();
    }
}
