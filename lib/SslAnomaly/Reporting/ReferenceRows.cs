using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>
/// The floors and the ceiling as rows beside the methods: the supervised model scored by its own head
/// ("supervised-head", from head_metrics) and the trivial classifiers ("always-defect", "prior", from each
/// run's "trivial"), one row per backbone, train share and seed so they line up with the methods they bound.
/// The random-init floor is a run of its own (method "random-init") and needs no derived row.
/// </summary>
public static class ReferenceRows
{
    public const string SupervisedHead = "supervised-head", AlwaysDefect = "always-defect", Prior = "prior";
    public static readonly IReadOnlyList<string> Names = [AlwaysDefect, Prior, SupervisedHead];

    static readonly IReadOnlyDictionary<string, string> TrivialRow = new Dictionary<string, string>
    {
        [TrivialClassifiers.AlwaysDefect] = AlwaysDefect,
        [TrivialClassifiers.Prior] = Prior,
    };

    /// <summary><paramref name="runs"/> followed by the reference rows derived from their completed runs.</summary>
    public static IReadOnlyList<RunResult> With(IReadOnlyList<RunResult> runs)
    {
        var rows = runs.ToList();
        var completed = runs.Where(r => r.IsCompleted && r.Reference is null).ToList();
        foreach (var run in completed.Where(r => r.HeadMetrics is not null))
            rows.Add(run with
            {
                RunDirectory = run.RunDirectory + "#head", Method = SupervisedHead, Reference = SupervisedHead,
                Metrics = run.HeadMetrics!, HeadMetrics = null,
            });
        // Trivial classifiers depend only on the validation labels: one row per (backbone, train share, probe share, seed).
        foreach (var group in completed.Where(r => r.Trivial.Count > 0).GroupBy(r => (r.Backbone, r.TrainDefectPct, r.ProbeDefectPct, r.Seed)))
        {
            var source = group.OrderBy(r => r.RunDirectory, StringComparer.Ordinal).First();
            foreach (var (name, metrics) in source.Trivial)
            {
                var method = TrivialRow.TryGetValue(name, out var row) ? row : name;
                rows.Add(source with
                {
                    RunDirectory = $"{source.RunDirectory}#{name}", Method = method, Reference = method, Metrics = metrics,
                    Rankme = null, HeadMetrics = null,
                });
            }
        }
        return rows;
    }
}
