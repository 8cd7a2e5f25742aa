using System.Text.Json.Nodes;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>
/// One cell's comparison with its floor at one validation share and metric, with its q within a family: the cell's runs
/// (one per seed) and the floor run of each seed, in the same order.
/// </summary>
public sealed record FloorTest(IReadOnlyList<RunResult> Runs, IReadOnlyList<RunResult> Floors, string ValKey, PairedComparison Comparison, double Q)
{
    /// <summary>Judged by q, so that the marks of a whole table keep the expected share of false discoveries at alpha.</summary>
    public FloorVerdict Verdict => Comparison.Judge(Q);

    /// <summary>The floor run <paramref name="run"/> was paired with (the floor of its seed).</summary>
    public RunResult FloorOf(RunResult run)
    {
        for (int i = 0; i < Runs.Count; i++)
            if (Runs[i].RunDirectory == run.RunDirectory) return Floors[i];
        throw new ArgumentException($"{run.RunDirectory} is not one of this test's runs", nameof(run));
    }
}

/// <summary>
/// Floor comparisons judged together (<see cref="FloorComparisons.Family"/>): the tests one table or figure shows,
/// each with its Benjamini-Hochberg q over all of them. Many cells are tested at once; judging each by its own p would
/// mark about one tied cell in twenty as better or worse by chance.
/// </summary>
public sealed class FloorFamily(string name, IReadOnlyList<FloorTest> tests)
{
    readonly Dictionary<(string RunDirectory, string ValKey, string Metric), FloorTest> _byKey =
        tests.SelectMany(t => t.Runs.Select(r => (Key: (r.RunDirectory, t.ValKey, t.Comparison.Metric), Test: t))).ToDictionary(x => x.Key, x => x.Test);

    public static readonly FloorFamily None = new("none", []);

    /// <summary>What the legend calls the family, e.g. "Table 1".</summary>
    public string Name { get; } = name;
    public IReadOnlyList<FloorTest> Tests { get; } = tests;

    /// <summary>The test of the cell <paramref name="run"/> belongs to: over every seed of that cell.</summary>
    public FloorTest? Of(RunResult run, string valKey, string metric) => _byKey.GetValueOrDefault((run.RunDirectory, valKey, metric));

    /// <summary>
    /// The verdict for a group of runs a table or figure shows as one cell. When one test covers exactly these runs it is
    /// that test's verdict over every seed; a group that spans several tests (a figure row that pools settings the family
    /// tests apart) is better or worse only when every test says so. Null when some run has no comparison (no floor run, a
    /// reference row, or a run from before floor comparisons).
    /// </summary>
    public FloorVerdict? Verdict(IEnumerable<RunResult> cellRuns, string valKey, string metric)
    {
        var tests = TestsOf(cellRuns, valKey, metric);
        return tests.Count == 0 ? null : FloorVerdicts.Combine(tests.Select(t => t.Verdict).ToList());
    }

    /// <summary>The tests behind a group of runs shown as one cell (one, when the group is a cell of the family); empty when some run has none.</summary>
    public IReadOnlyList<FloorTest> TestsOf(IEnumerable<RunResult> cellRuns, string valKey, string metric)
    {
        var judged = cellRuns.Select(r => Of(r, valKey, metric)).ToList();
        return judged.Count == 0 || judged.Any(t => t is null) ? [] : judged.Distinct().Select(t => t!).ToList();
    }

    /// <summary>Every test as JSON (snake_case, NaN as null): what was compared (every seed's run and floor), the
    /// difference of the means over seeds with its interval, p, q and the verdict.</summary>
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
                ["runs"] = new JsonArray(t.Runs.Select(r => (JsonNode?)r.RunDirectory).ToArray()),
                ["floor_runs"] = new JsonArray(t.Floors.Select(r => (JsonNode?)r.RunDirectory).ToArray()),
                ["seeds"] = new JsonArray(t.Runs.Select(r => (JsonNode?)r.Seed).ToArray()),
                ["method"] = t.Runs[0].Method, ["backbone"] = t.Runs[0].Backbone, ["train_defect_pct"] = t.Runs[0].TrainDefectPct,
                ["probe_defect_pct"] = t.Runs[0].ProbeDefectPct,
                ["validation"] = t.ValKey, ["metric"] = t.Comparison.Metric,
                ["method_value"] = N(t.Comparison.Method), ["floor_value"] = N(t.Comparison.Floor),
                ["difference"] = N(t.Comparison.Difference),
                ["difference_ci95"] = new JsonArray(N(t.Comparison.DifferenceInterval.Low), N(t.Comparison.DifferenceInterval.High)),
                ["p"] = N(t.Comparison.PValue), ["q"] = N(t.Q), ["verdict"] = t.Verdict.Name(),
                ["test"] = t.Comparison.Seeds > 1 ? "t over seeds and images" : "paired stratified bootstrap", ["replicates"] = t.Comparison.Replicates,
            }).ToArray()),
        };
    }
}
