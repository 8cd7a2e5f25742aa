namespace SslAnomaly.Eval;

/// <summary>
/// What the across-run views need from one finished run (its result.json): identity, final backbone
/// RankMe (null for runs without one) and the grid metrics keyed by validation subset.
/// </summary>
public sealed record GridRun(
    string Method,
    string Backbone,
    int TrainDefectPct,
    int Seed,
    double? RankMe,
    IReadOnlyDictionary<string, MetricsReport> Metrics);
