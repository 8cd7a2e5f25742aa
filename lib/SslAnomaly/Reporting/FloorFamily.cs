using System.Text.Json.Nodes;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>One run's comparison with its floor at one validation share and metric, with its q within a family.</summary>
public sealed record FloorTest(RunResult Run, RunResult Floor, string ValKey, PairedComparison Comparison, double Q)
{
    /// <summary>Judged by q, so that the marks of a whole table keep the expected share of false discoveries at alpha.</summary>
    public FloorVerdict Verdict => Comparison.Judge(Q);
}

/// <summary>
/// Floor comparisons judged together (<see cref="FloorComparisons.Family"/>): the tests one table or figure shows,
/// each with its Benjamini-Hochberg q over all of them. Many cells are tested at once; judging each by its own p would
/// mark about one tied cell in twenty as better or worse by chance.
/// </summary>
public sealed class FloorFamily(string name, IReadOnlyList<FloorTest> tests)
{
    readonly Dictionary<(string RunDirectory, string ValKey, string Metric), FloorTest> _byKey =
        tests.ToDictionary(t => (t.Run.RunDirectory, t.ValKey, t.Comparison.Metric));

    public static readonly FloorFamily None = new("none", []);

    /// <summary>What the legend calls the family, e.g. "Table 1".</summary>
    public string Name { get; } = name;
    public IReadOnlyList<FloorTest> Tests { get; } = tests;

    public FloorTest? Of(RunResult run, string valKey, string metric) => _byKey.GetValueOrDefault((run.RunDirectory, valKey, metric));

    /// <summary>
    /// A cell's verdict over its runs (seeds, <see cref="FloorVerdicts.Combine"/>): better or worse only when every run
    /// was compared and every one says so; null when some run has no comparison (no floor run, a reference row, or a run
    /// from before floor comparisons), since a verdict for every seed cannot be given then.
    /// </summary>
    public FloorVerdict? Verdict(IEnumerable<RunResult> cellRuns, string valKey, string metric)
    {
        var judged = cellRuns.Select(r => Of(r, valKey, metric)).ToList();
        return judged.Count == 0 || judged.Any(t => t is null) ? null : FloorVerdicts.Combine(judged.Select(t => t!.Verdict).ToList());
    }

    /// <summary>Every test as JSON (snake_case, NaN as null): what was compared, the difference with its interval, p, q and the verdict.</summary>
    public JsonObject ToJson()
    {
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        return new JsonObject
        {
            ["family"] = Name,
            ["tests"] = Tests.Count,
            ["level"] = Tests.Count == 0 ? null : N(Tests[0].Comparison.DifferenceInterval.Level),
            ["comparisons"] = new JsonArray(Tests.Select(t => (JsonNode)new JsonObject
            {
                ["run"] = t.Run.RunDirectory, ["floor_run"] = t.Floor.RunDirectory,
                ["method"] = t.Run.Method, ["backbone"] = t.Run.Backbone, ["train_defect_pct"] = t.Run.TrainDefectPct,
                ["probe_defect_pct"] = t.Run.ProbeDefectPct, ["seed"] = t.Run.Seed,
                ["validation"] = t.ValKey, ["metric"] = t.Comparison.Metric,
                ["method_value"] = N(t.Comparison.Method), ["floor_value"] = N(t.Comparison.Floor),
                ["difference"] = N(t.Comparison.Difference),
                ["difference_ci95"] = new JsonArray(N(t.Comparison.DifferenceInterval.Low), N(t.Comparison.DifferenceInterval.High)),
                ["p"] = N(t.Comparison.PValue), ["q"] = N(t.Q), ["verdict"] = t.Verdict.Name(), ["replicates"] = t.Comparison.Replicates,
            }).ToArray()),
        };
    }
}
