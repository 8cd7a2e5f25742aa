using static SslAnomaly.Reporting.PlotlyTraces;

namespace SslAnomaly.Reporting;

/// <summary>
/// The paper's figures as plotly.js figures, built from run summaries: imbalance heatmaps (Figures 2, 4,
/// 5), RankMe / feature-statistics curves (Figure 6) and final RankMe against probe F1 (Figure 7).
/// </summary>
public static class Figures
{
    public static readonly IReadOnlyList<string> ValKeys = ["1", "2", "5", "15", "45", "natural"];

    /// <summary>Rows "method t%" (train share), columns validation share, cells the metric (mean over seeds).</summary>
    public static PlotlyFigure ImbalanceHeatmap(IReadOnlyList<RunSummary> runs, string backbone, string metric, string? title = null)
    {
        var completed = runs.Where(r => r.Backbone == backbone && r.Status == "completed").ToList();
        var rows = completed.GroupBy(r => (r.Method, r.TrainDefectPct)).OrderBy(g => g.Key.Method, StringComparer.Ordinal).ThenBy(g => g.Key.TrainDefectPct).ToList();
        var columns = ValKeys.Where(k => completed.Any(r => r.Metrics.ContainsKey(k))).ToList();
        var z = rows.Select(g => columns.Select(c => Mean(g.Select(r => r.Metric(c, metric))) ?? double.NaN).ToArray()).ToArray();
        var labels = rows.Select(g => $"{g.Key.Method} {g.Key.TrainDefectPct:0.##}%").ToArray();
        return PlotlyFigure.Of(Heatmap(z, columns.Select(c => c == "natural" ? "natural" : c + "%"), labels))
            .WithReversedYAxis()
            .WithTitle(title ?? $"{backbone}: {metric} by train share (rows) and validation share (columns)")
            .WithAxisTitles("validation defect share", "method, train defect share")
            .WithSize(760, Math.Max(360, 40 + 26 * labels.Length));
    }

    /// <summary>One line per run of a per-epoch monitor curve (e.g. RankMe of backbone features).</summary>
    public static PlotlyFigure Curves(IReadOnlyList<RunSummary> runs, string curveName, string title)
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
    public static PlotlyFigure RankMeScatter(IReadOnlyList<RunSummary> runs, string valKey, Func<IReadOnlyList<RunSummary>, IReadOnlyList<double>> rescale, string title)
    {
        var usable = runs.Where(r => r.Status == "completed" && r.RankMe is not null && r.Metric(valKey, "f1") is not null).ToList();
        var scaled = usable.Count > 0 ? rescale(usable) : [];
        var byMethod = usable.Select((r, i) => (r, x: scaled[i])).GroupBy(p => p.r.Method).OrderBy(g => g.Key, StringComparer.Ordinal);
        var points = byMethod.Select(g => Points(g.Select(p => p.x), g.Select(p => p.r.Metric(valKey, "f1")!.Value), g.Key,
            g.Select(p => $"{p.r.Backbone} {p.r.TrainDefectPct:0.##}%"))).ToList();
        if (points.Count == 0) points.Add(Points([], [], "no data"));
        return PlotlyFigure.Of(points).WithTitle(title)
            .WithAxisTitles("re-scaled RankMe", $"probe F1 (validation {valKey}{(valKey == "natural" ? "" : "%")})")
            .WithSize(760, 460);
    }

    static double? Mean(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
