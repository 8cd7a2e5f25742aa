using SslAnomaly.Eval;
using SslAnomaly.Experiments;
using static SslAnomaly.Reporting.PlotlyTraces;

namespace SslAnomaly.Reporting;

/// <summary>
/// The paper's figures as plotly.js figures, built from finished runs (RunResult): imbalance heatmaps (Figures 2, 4,
/// 5), RankMe / feature-statistics curves (Figure 6), final RankMe against probe F1 (Figure 7), the ablations of Appendix A
/// (Table 2 as a figure, Figure 3) and our Table 1 against the published one. <see cref="FigureCatalogue"/> names each.
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

    /// <summary>Figure 6: one line per run of a per-epoch monitor, for the runs trained at one defect share (all runs when
    /// <paramref name="trainDefectPct"/> is null), epochs as categories.</summary>
    public static PlotlyFigure MonitorByEpoch(IReadOnlyList<RunResult> runs, string curve, double? trainDefectPct = null)
    {
        var chosen = runs.Where(r => r.IsCompleted && (trainDefectPct is null || r.TrainDefectPct == trainDefectPct)).ToList();
        var lines = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (var run in chosen)
        {
            if (!run.Curves().TryGetValue(curve, out var points) || points.Count == 0) continue;
            lines.Add(Line(Epochs(points.Count), points.Select(p => p.Value), markers: true, showLegend: true,
                name: trainDefectPct is null ? $"{run.Method}/{run.Backbone}/{Pct(run.TrainDefectPct)}" : $"{run.Method}/{run.Backbone}"));
        }
        if (lines.Count == 0) lines.Add(Line(Array.Empty<string>(), [], "no run logs this curve"));
        var share = trainDefectPct is null ? "all runs" : $"runs trained at {Pct(trainDefectPct.Value)} defects";
        return PlotlyFigure.Of(lines).WithTitle($"Figure 6: {curve} per epoch ({share})")
            .WithAxisTitles("epoch", curve)
            .WithSize(760, 420);
    }

    /// <summary>"1", "2", ...: epochs as categories, so the axis shows whole epochs only.</summary>
    public static IEnumerable<string> Epochs(int count) => Enumerable.Range(1, count).Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Table 2 as a figure: F1 (natural subset) against resolution on a log axis, ours solid and the paper's best
    /// validation F1 dashed, one colour per backbone; several seeds of one resolution are averaged.</summary>
    public static PlotlyFigure ResolutionChart(IReadOnlyList<RunResult> runs)
    {
        var lines = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (var backbone in runs.Select(r => r.Backbone).Distinct().Order(StringComparer.Ordinal))
        {
            var ours = runs.Where(r => r.Backbone == backbone && r.Metric(ImbalanceGrid.NaturalKey, Metric.F1) is not null)
                .GroupBy(r => r.Resolution).OrderBy(g => g.Key).ToList();
            lines.Add(Line(ours.Select(g => g.Key), ours.Select(g => g.Average(r => r.Metric(ImbalanceGrid.NaturalKey, Metric.F1)!.Value)),
                $"ours: {backbone} (final F1, natural split)", markers: true));
            var paper = PaperReference.Table2().Where(p => p.Backbone == backbone).OrderBy(p => p.Resolution).ToList();
            lines.Add(Line(paper.Select(p => p.Resolution), paper.Select(p => p.F1),
                $"paper: {backbone} (best val F1)", markers: true, dash: "dash"));
        }
        return PlotlyFigure.Of(lines).WithTitle("Table 2 as a figure: F1 against input resolution (supervised, no augmentation but resize)")
            .WithAxisTitles("resolution (px, log scale)", "F1")
            .WithLayout("xaxis.type", "log")
            .WithSize(760, 420);
    }

    /// <summary>Figure 3: a metric (natural subset; F1 unless named) over min_scale (rows) and t_val (columns), each cell's
    /// value printed; several seeds of one cell are averaged.</summary>
    public static PlotlyFigure AugmentationHeatmap(IReadOnlyList<AugmentationRun> runs, Metric? metric = null)
    {
        metric ??= Metric.F1;
        var scales = runs.Select(r => r.MinScale).Distinct().Order().ToList();
        var tvals = runs.Select(r => r.TVal).Distinct().Order().ToList();
        var z = scales.Select(s => tvals.Select(t => Mean(runs.Where(r => r.MinScale == s && r.TVal == t)
            .Select(r => r.Run.Metric(ImbalanceGrid.NaturalKey, metric))) ?? double.NaN).ToArray()).ToArray();
        var chart = PlotlyFigure.Of(Heatmap(z, tvals.Select(Number), scales.Select(Number)));
        return ChartStyle.WithCellValues(chart
            .WithTitle($"Figure 3: {Table1.Display(metric)} by min_scale and t_val (supervised resnet18)")
            .WithAxisTitles("t_val (ColorJitter strength)", "min_scale (RandomResizedCrop)")
            .WithSize(760, Math.Max(320, 80 + 60 * scales.Count)), ".3f");
    }

    /// <summary>The paper's Figure 2 (ResNet-18 F1 as published), drawn the same way as ours.</summary>
    public static PlotlyFigure PaperFigure2()
    {
        var rows = PaperReference.Figure2().OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.TrainDefectPct).ToList();
        var columns = new[] { "1", "2", "5", "15", "45" };
        var z = rows.Select(r => columns.Select(c => r.F1ByVal.TryGetValue(c, out var v) ? v : double.NaN).ToArray()).ToArray();
        var chart = PlotlyFigure.Of(Heatmap(z, columns.Select(c => c + "%"), rows.Select(r => $"{r.Method} {r.TrainDefectPct:0.##}%")))
            .WithReversedYAxis();
        var text = z.Select(row => row.Select(v => double.IsNaN(v) ? "" : v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return ChartStyle.WithCellText(chart, text).WithTitle("Paper, Figure 2: resnet18 F1 as published (blank: unreadable in the source)")
            .WithAxisTitles("validation defect share", "method, train defect share")
            .WithSize(760, Math.Max(360, 40 + 26 * rows.Count));
    }

    /// <summary>Ours against the paper's, one point per Table 1 cell, one colour per metric; the diagonal is perfect agreement.</summary>
    public static PlotlyFigure PaperScatter(IReadOnlyList<Table1Row> cells)
    {
        var traces = Table1.Metrics.Where(m => cells.Any(c => c.Metric == m)).Select(m =>
        {
            var rows = cells.Where(c => c.Metric == m).ToList();
            return Points(rows.Select(r => r.Paper!.Value), rows.Select(r => r.Ours!.Value), Table1.Display(m),
                rows.Select(r => $"{r.Method} {r.Backbone} {r.TrainDefectPct:0.##}%"));
        }).ToList();
        traces.Add(Line(new[] { 0.0, 1.0 }, [0.0, 1.0], "ours = paper", dash: "dot"));
        return PlotlyFigure.Of(traces).WithTitle("Table 1, cell by cell: ours against the paper's")
            .WithAxisTitles("paper", "ours")
            .WithLayout("xaxis.range", new System.Text.Json.Nodes.JsonArray(0, 1)).WithLayout("yaxis.range", new System.Text.Json.Nodes.JsonArray(0, 1))
            .WithSize(620, 560);
    }

    /// <summary>Ours minus the paper's for one metric: rows method / backbone, columns train share; red below the paper, blue above.</summary>
    public static PlotlyFigure PaperDifference(IReadOnlyList<Table1Row> cells, Metric? metric = null)
    {
        metric ??= Metric.F1;
        var rows = cells.Where(c => c.Metric == metric).ToList();
        var groups = rows.Select(r => (r.Method, r.Backbone)).Distinct().ToList();
        var shares = rows.Select(r => r.TrainDefectPct).Distinct().Order().ToList();
        var z = groups.Select(g => shares.Select(p => rows.FirstOrDefault(r => (r.Method, r.Backbone) == g && r.TrainDefectPct == p)?.Difference ?? double.NaN).ToArray()).ToArray();
        var chart = PlotlyFigure.Of(Heatmap(z, shares.Select(p => $"{p:0.##}%"), groups.Select(g => $"{g.Method} {g.Backbone}"),
            colorScale: "RdBu", reverseScale: true)).WithReversedYAxis();
        return ChartStyle.WithCellValues(ChartStyle.WithColorMidpoint(chart))
            .WithTitle($"{Table1.Display(metric)}: ours minus the paper's (natural split of the runs' reported split; red: below the paper, blue: above)")
            .WithAxisTitles("train defect share", "method, backbone")
            .WithSize(760, Math.Max(300, 80 + 34 * groups.Count));
    }

    static string Pct(double v) => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %";
    static string Number(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static double? Mean(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
