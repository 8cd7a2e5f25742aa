using System.Text.Json.Serialization;

namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// One detector on one pool as result.json would carry it (docs/one-class.md; serialise with <see cref="EvalJson.Options"/>:
/// snake_case). <see cref="Metrics"/> has the probe's shape, keyed by validation subset, with its F-scores at the detector's
/// own <see cref="Threshold"/>; <see cref="BestF1"/> the per-subset upper bound.
/// </summary>
public sealed record OneClassReport
{
    public required string Detector { get; init; }
    public required string Pool { get; init; }
    /// <summary>Neighbours averaged (kNN only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? K { get; init; }
    /// <summary>The Ledoit-Wolf shrinkage (Mahalanobis only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Shrinkage { get; init; }
    /// <summary>The ridge the guard had to add (Mahalanobis on degenerate features only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Ridge { get; init; }
    public required double Quantile { get; init; }
    public required double Threshold { get; init; }
    public required int ReferenceSize { get; init; }
    /// <summary>Defects hidden in the reference (0 for the clean pool); counted for the reader, never used by the detector.</summary>
    public required int ReferenceDefects { get; init; }
    public required int CalibrationSize { get; init; }
    public required int CalibrationDefects { get; init; }
    public required IReadOnlyDictionary<string, MetricsReport> Metrics { get; init; }
    public required IReadOnlyDictionary<string, BestF1Report> BestF1 { get; init; }
}

/// <summary>The F1 at the threshold a subset's own labels pick (score &gt;= threshold), and that threshold.</summary>
public sealed record BestF1Report(double F1, double Threshold);

/// <summary>One label-efficiency probe as result.json would carry it: its training counts and its grid.</summary>
public sealed record LabelBudgetReport
{
    public required int Defects { get; init; }
    public required int Normals { get; init; }
    public required IReadOnlyDictionary<string, MetricsReport> Metrics { get; init; }
}
