using System.Globalization;
using System.Text.Json.Nodes;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>The probe trained on one label budget: how many defects it saw, and what it scored.</summary>
/// <param name="Budget">result.json's key: "10", "30", "100", "300" or "all".</param>
public sealed record BudgetPoint(string Budget, int Defects, MetricEstimate? F1, MetricEstimate? Auprc);

/// <summary>One method's label-efficiency curve at one backbone and train share, with its best detector without defect
/// labels (by AUPRC) as the reference the curve must clear.</summary>
public sealed record LabelEfficiencyLine(string Method, int Seed, IReadOnlyList<BudgetPoint> Points, DetectorCell? BestDetector);

/// <summary>
/// How many labelled defects buy what the detectors get without any (docs/one-class.md, "Label efficiency"): per backbone
/// and train share, x = the defects the probe was trained on (the actual counts, log axis), y = the probe's F1 (left panel)
/// and AUPRC (right panel) with interval error bars, one line per method; in the AUPRC panel each method's best
/// label-free detector is a horizontal band (its interval) in the method's colour. One figure per train share keeps a
/// method's line and band readable; the shares side by side are the imbalance question.
/// </summary>
public static class LabelEfficiencyFigure
{
    /// <summary>Plotly's default colours, one per method in <see cref="Table1.MethodOrder"/>, so a line and its band match.</summary>
    static readonly IReadOnlyList<string> Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The train shares of <paramref name="backbone"/> where some run trained label-efficiency probes.</summary>
    public static IReadOnlyList<double> Shares(IReadOnlyList<RunResult> runs, string backbone) =>
        Usable(runs).Where(r => r.Backbone == backbone).Select(r => r.TrainDefectPct).Distinct().Order().ToList();

    /// <summary>The backbones with label-efficiency probes.</summary>
    public static IReadOnlyList<string> Backbones(IReadOnlyList<RunResult> runs) =>
        Usable(runs).Select(r => r.Backbone).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>One line per method (its lowest seed: label budgets are drawn per run, and a mean over seeds would hide their
    /// intervals), points in order of the defects they saw, read at <paramref name="key"/>.</summary>
    public static IReadOnlyList<LabelEfficiencyLine> Lines(IReadOnlyList<RunResult> runs, string backbone, double trainDefectPct, string key = ImbalanceGrid.NaturalKey) =>
        Usable(runs).Where(r => r.Backbone == backbone && r.TrainDefectPct == trainDefectPct)
            .GroupBy(r => r.Method).Select(g => g.OrderBy(r => r.Seed).First())
            .OrderBy(r => MethodIndex(r.Method)).ThenBy(r => r.Method, StringComparer.Ordinal)
            .Select(r => new LabelEfficiencyLine(r.Method, r.Seed, Points(r, key), OneClassTable.Row(r, key).BestByAuprc)).ToList();

    /// <summary>A run's label budgets in order of the defects they saw ("all" last among equals).</summary>
    public static IReadOnlyList<BudgetPoint> Points(RunResult run, string key = ImbalanceGrid.NaturalKey) =>
        (run.LabelEfficiency ?? new Dictionary<string, Eval.OneClass.LabelBudgetReport>())
            .Select(kv => new BudgetPoint(kv.Key, kv.Value.Defects,
                MetricEstimate.Of(kv.Value.Metrics.TryGetValue(key, out var m) ? m : null, "f1"),
                MetricEstimate.Of(kv.Value.Metrics.TryGetValue(key, out var n) ? n : null, "auprc")))
            .OrderBy(p => p.Defects).ThenBy(p => p.Budget == "all" ? 1 : 0).ToList();

    public static string Name(string backbone, double trainDefectPct) =>
        $"label-efficiency-{backbone}-t{trainDefectPct.ToString(CultureInfo.InvariantCulture)}";

    public static string Title(string backbone, double trainDefectPct, string splitName) =>
        $"{backbone}, pretrained at {trainDefectPct:0.##} % defects: the probe's F1 and AUPRC ({splitName}, natural) against the labelled defects it " +
        "was trained on; bands: each method's best detector without defect labels (AUPRC's chance level is the defect share)";

    public static PlotlyFigure Build(IReadOnlyList<RunResult> runs, string backbone, double trainDefectPct, string key = ImbalanceGrid.NaturalKey)
    {
        var lines = Lines(runs, backbone, trainDefectPct, key);
        var traces = new List<JsonObject>();
        var xs = lines.SelectMany(l => l.Points.Select(p => (double)p.Defects)).Where(x => x > 0).ToList();
        double xLow = xs.Count > 0 ? xs.Min() / 1.3 : 1, xHigh = xs.Count > 0 ? xs.Max() * 1.3 : 10;
        foreach (var line in lines)
        {
            string colour = Palette[MethodIndex(line.Method) % Palette.Count];
            string legend = line.Method + (runs.Any(r => r.Method == line.Method && r.Backbone == backbone && r.TrainDefectPct == trainDefectPct && r.Seed != line.Seed) ? $" (seed {line.Seed})" : "");
            traces.Add(Curve(line.Points, p => p.F1, legend, colour, line.Method, panel: 1, showLegend: true));
            traces.Add(Curve(line.Points, p => p.Auprc, legend, colour, line.Method, panel: 2, showLegend: false));
            if (line.BestDetector?.Auprc is { } best)
            {
                string bandName = $"{line.Method}: best without labels ({OneClassTable.Display(line.BestDetector.Detector, line.BestDetector.Pool)}) {best}";
                if (best.HasInterval)
                {
                    var band = PlotlyTraces.Line(new[] { xLow, xHigh, xHigh, xLow, xLow }, [best.Low!.Value, best.Low.Value, best.High!.Value, best.High.Value, best.Low.Value], bandName, showLegend: false);
                    band["fill"] = "toself";
                    band["fillcolor"] = colour;
                    band["opacity"] = 0.15;
                    band["line"] = new JsonObject { ["width"] = 0, ["color"] = colour };
                    band["legendgroup"] = line.Method;
                    band["hoverinfo"] = "name";
                    OnPanel(band, 2);
                    traces.Add(band);
                }
                var middle = PlotlyTraces.Line(new[] { xLow, xHigh }, [best.Value, best.Value], bandName, dash: "dash", showLegend: true);
                middle["line"] = new JsonObject { ["dash"] = "dash", ["color"] = colour };
                middle["legendgroup"] = line.Method;
                OnPanel(middle, 2);
                traces.Add(middle);
            }
        }
        if (traces.Count == 0) traces.Add(PlotlyTraces.Line(Array.Empty<double>(), [], "no label-efficiency probes"));
        var yRange = new JsonArray(0, 1);
        // Ticks at the defect counts the budgets actually held, on one log range for both panels, so that a budget sits
        // at the same place left and right.
        var ticks = xs.Distinct().Order().ToList();
        var allCounts = lines.SelectMany(l => l.Points.Where(p => p.Budget == "all").Select(p => (double)p.Defects)).ToHashSet();
        JsonObject XAxis(double[] domain, string? anchor)
        {
            var axis = new JsonObject
            {
                ["domain"] = new JsonArray(domain[0], domain[1]), ["type"] = "log",
                ["range"] = new JsonArray(Math.Log10(xLow), Math.Log10(xHigh)),
                ["tickvals"] = new JsonArray(ticks.Select(t => (JsonNode?)t).ToArray()),
                ["ticktext"] = new JsonArray(ticks.Select(t => (JsonNode?)(t.ToString("0", CultureInfo.InvariantCulture) + (allCounts.Contains(t) ? " (all)" : ""))).ToArray()),
                ["title"] = new JsonObject { ["text"] = "labelled defects (log scale)" },
            };
            if (anchor is not null) axis["anchor"] = anchor;
            return axis;
        }
        string split = Figures.SplitName(runs);
        return PlotlyFigure.Of(traces)
            .WithTitle($"{backbone}, pretrained at {trainDefectPct:0.##} % defects: the probe by labelled defects ({split}, natural)")
            .WithLayout("xaxis", XAxis([0, 0.46], null))
            .WithLayout("yaxis", new JsonObject { ["range"] = yRange.DeepClone(), ["title"] = new JsonObject { ["text"] = "probe F1" } })
            .WithLayout("xaxis2", XAxis([0.54, 1], "y2"))
            .WithLayout("yaxis2", new JsonObject { ["range"] = yRange.DeepClone(), ["anchor"] = "x2", ["title"] = new JsonObject { ["text"] = "probe AUPRC" } })
            .WithLayout("annotations", new JsonArray(new JsonObject
            {
                ["text"] = "bands: each method's best detector without labels<br>AUPRC's chance level is the defect share", ["showarrow"] = false,
                ["xref"] = "x2 domain", ["yref"] = "y2 domain", ["x"] = 1, ["y"] = 0.02, ["xanchor"] = "right", ["font"] = new JsonObject { ["size"] = 11 },
            }))
            .WithLayout("legend", new JsonObject { ["orientation"] = "h", ["y"] = -0.25 })
            .WithSize(980, 520);
    }

    static JsonObject Curve(IReadOnlyList<BudgetPoint> points, Func<BudgetPoint, MetricEstimate?> metric, string name, string colour, string group, int panel, bool showLegend)
    {
        var shown = points.Where(p => metric(p) is not null).ToList();
        var trace = PlotlyTraces.Line(shown.Select(p => (double)p.Defects), shown.Select(p => metric(p)!.Value), name, markers: true, showLegend: showLegend);
        trace["line"] = new JsonObject { ["color"] = colour };
        trace["marker"] = new JsonObject { ["color"] = colour };
        trace["legendgroup"] = group;
        trace["text"] = new JsonArray(shown.Select(p => (JsonNode?)(p.Budget == "all" ? $"all ({p.Defects} defects)" : $"{p.Budget} defects")).ToArray());
        trace["hovertemplate"] = "%{text}: %{y:.3f}<extra>" + name + "</extra>";
        trace["error_y"] = new JsonObject
        {
            ["type"] = "data", ["symmetric"] = false, ["color"] = colour,
            ["array"] = new JsonArray(shown.Select(p => (JsonNode?)(metric(p)!.High is { } h ? h - metric(p)!.Value : 0)).ToArray()),
            ["arrayminus"] = new JsonArray(shown.Select(p => (JsonNode?)(metric(p)!.Low is { } l ? metric(p)!.Value - l : 0)).ToArray()),
        };
        OnPanel(trace, panel);
        return trace;
    }

    static void OnPanel(JsonObject trace, int panel)
    {
        if (panel == 1) return;
        trace["xaxis"] = $"x{panel}";
        trace["yaxis"] = $"y{panel}";
    }

    static IEnumerable<RunResult> Usable(IReadOnlyList<RunResult> runs) =>
        Table1.PaperSetting(runs).Where(r => r.IsCompleted && r.LabelEfficiency is { Count: > 0 });

    static int MethodIndex(string method) => Table1.MethodOrder.ToList().IndexOf(method) is var i && i >= 0 ? i : Table1.MethodOrder.Count;
}
