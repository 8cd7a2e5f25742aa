using System.Text.Json;
using System.Text.Json.Serialization;
using SslAnomaly.Eval;

namespace SslAnomaly.Experiments;

/// <summary>
/// result.json: the contract every report and check reads (docs/result-json.md) plus what makes the
/// number traceable: the manifests' hashes, the config's hash, steps, timings and the environment.
/// </summary>
public sealed record RunResult
{
    public required string Status { get; init; }
    public string? FailureReason { get; init; }
    /// <summary>The collapse guard judged the run collapsed (a result: the run is still completed and probed).</summary>
    public bool Collapsed { get; init; }
    /// <summary>0-based global step at which it did (metrics.csv logs that step as collapse_step + 1); null when it did not.</summary>
    public long? CollapseStep { get; init; }
    public required string Method { get; init; }
    public required string Backbone { get; init; }
    public required int Resolution { get; init; }
    public required double TrainDefectPct { get; init; }
    public required int Seed { get; init; }
    public required string Profile { get; init; }
    /// <summary>SHA-256 of the pretraining manifest.</summary>
    public required string ManifestSha256 { get; init; }
    public IReadOnlyDictionary<string, string> ValManifestSha256 { get; init; } = new Dictionary<string, string>();
    /// <summary>Defect share (percent) and size of the set the linear probe trains on, drawn from the training split.</summary>
    public double ProbeDefectPct { get; init; }
    public int ProbeSize { get; init; }
    public string ProbeManifestSha256 { get; init; } = "";
    public required string ConfigSha256 { get; init; }
    /// <summary>Final RankMe of the backbone features on the monitoring sample (null when training stopped before an epoch end).</summary>
    public double? Rankme { get; init; }
    public double? RankmeProjector { get; init; }
    /// <summary>Probe metrics keyed by validation defect share ("1" ... "45", "natural").</summary>
    public IReadOnlyDictionary<string, MetricsReport> Metrics { get; init; } = new Dictionary<string, MetricsReport>();
    /// <summary>Supervised only: the model scored by its own trained head (same shape as <see cref="Metrics"/>); null otherwise.</summary>
    public IReadOnlyDictionary<string, MetricsReport>? HeadMetrics { get; init; }
    /// <summary>Classifiers that see no image (<see cref="TrivialClassifiers"/>): name -> validation key -> metrics.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricsReport>> Trivial { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, MetricsReport>>();
    public long Steps { get; init; }
    public double? FinalLoss { get; init; }
    public double? ImagesPerSecond { get; init; }
    public double PretrainSeconds { get; init; }
    public double EvaluationSeconds { get; init; }
    public int SkippedImages { get; init; }
    /// <summary>"path: reason (listed at csv:line)" for each skipped image, sorted by path.</summary>
    public IReadOnlyList<string> SkippedImageFiles { get; init; } = [];
    public string DataSource { get; init; } = "";
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset FinishedAt { get; init; } = DateTimeOffset.UtcNow;

    public static readonly JsonSerializerOptions Json = new(EvalJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
