using SslAnomaly.Eval;
using SslAnomaly.Training;

namespace SslAnomaly.Monitoring;

/// <summary>
/// Logs, each epoch, RankMe and the feature statistics of the backbone features and (when the method has
/// one) the projector embeddings, under "rankme/{backbone,projector}" and
/// "features/{backbone,projector}_{mean,std,normalized_std}". Keeps the latest values for result.json.
/// </summary>
public sealed class RankMeMonitor(int maxSamples = RankMe.MaxSamples) : ITrainingMonitor
{
    public string Name => "rankme";

    /// <summary>The values logged at the latest epoch, by metric name.</summary>
    public IReadOnlyDictionary<string, double> Latest { get; private set; } = new Dictionary<string, double>();

    /// <summary>RankMe of the backbone features at the latest epoch (the result.json "rankme").</summary>
    public double? LatestBackboneRankMe => Latest.TryGetValue("rankme/backbone", out var v) ? v : null;

    public void OnEpochEnd(EpochSnapshot snapshot, IMetricsSink sink)
    {
        var values = new Dictionary<string, double>();
        Measure("backbone", snapshot.BackboneFeatures, values);
        if (snapshot.ProjectorEmbeddings is { } projector) Measure("projector", projector, values);
        foreach (var (name, value) in values) sink.Log(snapshot.Step, name, value);
        sink.Flush();
        Latest = values;
    }

    void Measure(string what, TorchSharp.torch.Tensor embeddings, Dictionary<string, double> values)
    {
        values[$"rankme/{what}"] = RankMe.Compute(embeddings, maxSamples);
        var stats = FeatureStats.Compute(embeddings);
        values[$"features/{what}_mean"] = stats.Mean;
        values[$"features/{what}_std"] = stats.Std;
        values[$"features/{what}_normalized_std"] = stats.NormalizedStd;
    }
}
