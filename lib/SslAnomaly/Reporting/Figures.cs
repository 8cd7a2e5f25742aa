using SslAnomaly.Eval;
using SslAnomaly.Experiments;
using static SslAnomaly.Reporting.PlotlyTraces;

namespace SslAnomaly.Reporting;

/// <summary>
/// The paper's figures as plotly.js figures, built from finished runs (RunResult): imbalance heatmaps (Figures 2, 4,
/// 5), RankMe / feature-statistics curves (Figure 6) and final RankMe against probe F1 (Figure 7).
/// </summary>
public static class Figures
{
    /// <summary>The mark after a cell that rests on fewer than <see cref="MetricsReport.MinimumDefects"/> defect images.</summary>
    public const string TooFewDefectsMark = "*";

    /// <summary>"test" or "validation": the split the runs are read on (<see cref="RunResult.ScoredSplit"/>), for titles and axes.</summary>
    public static string SplitName(IEnumerable<RunResult> runs) =>
        runs.FirstOrDefault()?.ScoredSplit == Data.SewerMlSplit.Test ? "test" : "validation";

    /// <summary>
    /// Rows "method t%" (train share), columns the evaluated split's defect share, cells the metric (mean over seeds). With
    /// <paramref name="floors"/>, each cell's text carries the floor mark of <see cref="Table1"/> (†: better than the
    /// random-init floor, ↓: worse, °: cannot be told apart), with q-values over this heatmap's own family: every floor
    /// comparison of its cells. Trivial-classifier rows do not depend on the train share: one row each. Each cell's hover gives
    /// the defect images behind it; a cell with fewer than <see cref="MetricsReport.MinimumDefects"/> is marked
    /// <see cref="TooFewDefectsMark"/>.
    /// </summary>
    public static PlotlyFigure ImbalanceHeatmap(IReadOnlyList<RunResult> runs, string backbone, string metric, string? title = null, FloorComparisons? floors = null)
    {
        var completed = runs.Where(r => r.Backbone == backbone && r.IsCompleted).ToList();
        var rows = completed.GroupBy(r => (r.Method, Share: IsTrivial(r) ? (double?)null : r.TrainDefectPct))
            .OrderBy(g => g.Key.Share is null ? 0 : 1).ThenBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.Share).ToList();
        var columns = ImbalanceGrid.ValidationKeys.Where(k => completed.Any(r => r.Metrics.ContainsKey(k))).ToList();
        var family = HeatmapFamily(runs, backbone, metric, floors ?? FloorComparisons.None);
        var z = rows.Select(g => columns.Select(c => Mean(g.Select(r => r.Metric(c, metric))) ?? double.NaN).ToArray()).ToArray();
        // The fewest defect images any run of the cell was scored on (runs of one seed share their subsets).
        var defects = rows.Select(g => columns.Select(c => g.Select(r => r.Metrics.TryGetValue(c, out var m) ? (long?)m.Positives : null).Min()).ToArray()).ToArray();
        var text = rows.Select((g, i) => columns.Select((c, j) => Mean(g.Select(r => r.Metric(c, metric))) is double v
            ? v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + Table1.Mark(family.Verdict(g, c, metric))
              + (defects[i][j] < MetricsReport.MinimumDefects ? TooFewDefectsMark : "")
            : "").ToArray()).ToArray();
        var labels = rows.Select(g => g.Key.Share is { } share ? $"{g.Key.Method} {share:0.##}%" : $"{g.Key.Method} (no image)").ToArray();
        string split = SplitName(completed);
        return PlotlyFigure.Of(Heatmap(z, columns.Select(c => c == ImbalanceGrid.NaturalKey ? c : c + "%"), labels))
            .WithTraceProperty("text", Grid(text))
            .WithTraceProperty("texttemplate", "%{text}")
            .WithTraceProperty("customdata", Grid(defects.Select(row => row.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?").ToArray()).ToArray()))
            .WithTraceProperty("hovertemplate", $"%{{y}}, {split} share %{{x}}: %{{z:.3f}}<br>%{{customdata}} defect images<extra></extra>")
            .WithReversedYAxis()
            // Categories, not numbers: plotly.js reads "5%" as the number 5 and would space the columns by their share.
            .WithLayout("xaxis.type", "category")
            .WithTitle(title ?? $"{backbone}: {metric} by train share (rows) and {split} share (columns)")
            .WithAxisTitles($"{split} defect share", "method, train defect share")
            .WithSize(760, Math.Max(360, 40 + 26 * labels.Length));
    }

    static System.Text.Json.Nodes.JsonArray Grid(IEnumerable<string[]> rows) =>
        new(rows.Select(row => (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonArray(row.Select(t => (System.Text.Json.Nodes.JsonNode?)t).ToArray())).ToArray());

    /// <summary>A heatmap's family of floor tests: every run of the backbone at every validation share shown, for the one metric.</summary>
    public static FloorFamily HeatmapFamily(IReadOnlyList<RunResult> runs, string backbone, string metric, FloorComparisons floors)
    {
        var completed = runs.Where(r => r.Backbone == backbone && r.IsCompleted).ToList();
        var columns = ImbalanceGrid.ValidationKeys.Where(k => completed.Any(r => r.Metrics.ContainsKey(k)));
        return floors.Family($"heatmap {backbone} {metric}", completed, columns, [metric]);
    }

    /// <summary>
    /// The fixed-probe panel: the probe trains at one share (<paramref name="probePct"/>) while the pretraining share
    /// moves (x). One line per method; the same methods with the probe at the train share (the paper's setting) dashed.
    /// Flat solid lines mean imbalance hurts the probe, not the representation.
    /// </summary>
    public static PlotlyFigure FixedProbePanel(IReadOnlyList<RunResult> runs, string backbone, double probePct, string metric = "f1", string valKey = ImbalanceGrid.NaturalKey)
    {
        var completed = runs.Where(r => r.Backbone == backbone && r.IsCompleted && r.Reference is null && r.Metric(valKey, metric) is not null).ToList();
        var lines = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (var (fixedProbe, dash) in new[] { (true, (string?)null), (false, "dash") })
            foreach (var method in completed.Select(r => r.Method).Distinct().Order(StringComparer.Ordinal))
            {
                var points = completed.Where(r => r.Method == method && (fixedProbe ? r.ProbeDefectPct == probePct : r.ProbeAtTrainShare))
                    .GroupBy(r => r.TrainDefectPct).OrderBy(g => g.Key)
                    .Select(g => (X: g.Key, Y: g.Average(r => r.Metric(valKey, metric)!.Value))).ToList();
                if (points.Count == 0 || (!fixedProbe && !completed.Any(r => r.Method == method && r.ProbeDefectPct == probePct && !r.ProbeAtTrainShare))) continue;
                lines.Add(Line(points.Select(p => p.X), points.Select(p => p.Y),
                    fixedProbe ? $"{method}, probe at {probePct:0.##}%" : $"{method}, probe at train share", markers: true, dash: dash));
            }
        if (lines.Count == 0) lines.Add(Line(Array.Empty<double>(), [], "no data"));
        var title = $"{backbone}: {Table1.Display(metric)} ({SplitName(completed)} {valKey}) with the probe fixed at {probePct:0.##}% while the pretraining share moves";
        return PlotlyFigure.Of(lines).WithTitle(title)
            .WithAxisTitles("pretraining defect share (%)", Table1.Display(metric))
            .WithSize(760, 460);
    }

    /// <summary>The probe shares held fixed across several pretraining shares (runs from `sweep --probe-defect-pct`).</summary>
    public static IReadOnlyList<double> FixedProbeShares(IReadOnlyList<RunResult> runs) =>
        runs.Where(r => r.IsCompleted && r.Reference is null && !r.ProbeAtTrainShare).Select(r => r.ProbeDefectPct).Distinct().Order().ToList();

    static bool IsTrivial(RunResult r) => r.Reference is ReferenceRows.AlwaysDefect or ReferenceRows.Prior;

    /// <summary>One line per run of a per-epoch monitor curve (e.g. RankMe of backbone features).</summary>
    public static PlotlyFigure Curves(IReadOnlyList<RunResult> runs, string curveName, string title)
    {
        var lines = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (var run in runs)
        {
            if (!run.Curves().TryGetValue(curveName, out var points) || points.Count == 0) continue;
            lines.Add(Line(points.Select(p => p.Step), points.Select(p => p.Value), $"{run.Method}/{run.Backbone}/{run.TrainDefectPct:0.##}%", markers: true));
        }
        if (lines.Count == 0) lines.Add(Line(Array.Empty<long>(), [], "no data"));
        return PlotlyFigure.Of(lines).WithTitle(title).WithAxisTitles("step", curveName).WithSize(760, 460);
    }

    /// <summary>Probe F1 against re-scaled final RankMe, one colour per method (Figure 7).</summary>
    public static PlotlyFigure RankMeScatter(IReadOnlyList<RunResult> runs, string valKey, Func<IReadOnlyList<RunResult>, IReadOnlyList<double>> rescale, string title)
    {
        var usable = runs.Where(r => r.IsCompleted && r.Rankme is not null && r.Metric(valKey, "f1") is not null).ToList();
        var scaled = usable.Count > 0 ? rescale(usable) : [];
        var byMethod = usable.Select((r, i) => (r, x: scaled[i])).GroupBy(p => p.r.Method).OrderBy(g => g.Key, StringComparer.Ordinal);
        var points = byMethod.Select(g => Points(g.Select(p => p.x), g.Select(p => p.r.Metric(valKey, "f1")!.Value), g.Key,
            g.Select(p => $"{p.r.Backbone} {p.r.TrainDefectPct:0.##}%"))).ToList();
        if (points.Count == 0) points.Add(Points([], [], "no data"));
        return PlotlyFigure.Of(points).WithTitle(title)
            .WithAxisTitles("re-scaled RankMe", $"probe F1 ({SplitName(usable)} {valKey}{(valKey == ImbalanceGrid.NaturalKey ? "" : "%")})")
            .WithSize(760, 460);
    }

    static double? Mean(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
