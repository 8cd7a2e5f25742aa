using System.Text.Json.Nodes;
using SslAnomaly.Eval;
using SslAnomaly.Eval.LabelFree;
using SslAnomaly.Reporting;

namespace SslAnomaly.Analysis;

/// <summary>
/// The label-free analysis as plotly.js figures: metric against F1 per metric, and estimated against true defect share.
/// <see cref="All"/> is their catalogue, in the shape of <see cref="FigureCatalogue"/> (whose figures are drawn from runs,
/// these from the analysis of them): the report's label-free section and notebook 07 draw from it.
/// </summary>
public static class LabelFreeFigures
{
    /// <summary>Each label-free metric against probe F1, at an evaluated subset ("natural", "5").</summary>
    public static readonly FigureSpec<LabelFreeAnalysisResult, string> Scatter = new("scatter",
        "Label-free metrics (last epoch, backbone features) against probe F1",
        "runs with label-free monitoring (metrics.csv) and F1 at the subset",
        _ => [ImbalanceGrid.NaturalKey, "5"],
        key => $"scatter-{key}",
        (_, key) => $"Label-free metrics against F1 ({(key == ImbalanceGrid.NaturalKey ? key : key + " %")})",
        (result, key) => ScatterGrid(result.Runs.Where(r => r.Epochs.Count > 0).ToList(), result.Correlations, key));

    /// <summary>The EM estimate of each subset's defect share against the truth.</summary>
    public static readonly SingleFigureSpec<LabelFreeAnalysisResult> CalibrationFigure = new("calibration",
        "Estimated against true defect share",
        "runs with the probe's scores on the evaluated subsets (predictions and truth files)",
        _ => true,
        result => Calibration(result.PriorShift));

    /// <summary>F1 by evaluated share under each decision rule.</summary>
    public static readonly SingleFigureSpec<LabelFreeAnalysisResult> Rules = new("rules-by-share",
        "F1 by validation share and decision rule",
        "runs with the probe's scores on the evaluated subsets (predictions and truth files)",
        _ => true,
        result => RulesByShare(result.PriorShiftSummary));

    /// <summary>Every label-free figure, in the order the section shows them.</summary>
    public static readonly IReadOnlyList<FigureSpec<LabelFreeAnalysisResult>> All = [Scatter, CalibrationFigure, Rules];

    /// <summary>
    /// One panel per label-free metric (final value on the backbone features, x) against probe F1 (y) at
    /// <paramref name="validationKey"/>, one colour per backbone; each panel's title carries the pooled Spearman rho.
    /// </summary>
    public static PlotlyFigure ScatterGrid(IReadOnlyList<AnalysisRun> runs, IReadOnlyList<CorrelationRow> correlations, string validationKey = ImbalanceGrid.NaturalKey)
    {
        var metrics = LabelFreeMetrics.All;
        int columns = 3, rows = (metrics.Count + columns - 1) / columns;
        var backbones = runs.Select(r => r.Backbone).Distinct().Order(StringComparer.Ordinal).ToList();
        string[] colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
        var traces = new List<JsonObject>();
        var figureLayout = new List<(string Path, JsonNode Value)>();
        for (int m = 0; m < metrics.Count; m++)
        {
            string axis = m == 0 ? "" : (m + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (int b = 0; b < backbones.Count; b++)
            {
                var points = runs.Where(r => r.Backbone == backbones[b])
                    .Select(r => (r, x: r.Final(metrics[m], FeatureSpace.Backbone), y: r.FinalF1(validationKey)))
                    .Where(p => p.x is not null && p.y is not null).ToList();
                var trace = PlotlyTraces.Points(points.Select(p => p.x!.Value), points.Select(p => p.y!.Value), backbones[b], points.Select(p => p.r.Label));
                trace["xaxis"] = "x" + axis;
                trace["yaxis"] = "y" + axis;
                trace["legendgroup"] = backbones[b];
                trace["showlegend"] = m == 0;
                trace["marker"] = new JsonObject { ["color"] = colours[b % colours.Length], ["size"] = 6 };
                traces.Add(trace);
            }
            var rho = correlations.FirstOrDefault(c => c.Metric == metrics[m] && c.Space == FeatureSpace.Backbone && c.ValidationKey == validationKey && c.Group == RunGroup.Pooled);
            string title = rho is null || double.IsNaN(rho.Spearman) ? metrics[m].Display
                : $"{metrics[m].Display}: rho {rho.Spearman:0.00} [{rho.SpearmanInterval.Low:0.00}, {rho.SpearmanInterval.High:0.00}]";
            figureLayout.Add(($"xaxis{axis}.title", new JsonObject { ["text"] = title, ["font"] = new JsonObject { ["size"] = 11 } }));
            if (m % columns == 0) figureLayout.Add(($"yaxis{axis}.title", new JsonObject { ["text"] = $"F1 ({KeyLabel(validationKey)})" }));
        }
        var figure = PlotlyFigure.Of(traces)
            .WithTitle($"Label-free metrics (last epoch, backbone features) against probe F1 on the {KeyLabel(validationKey)} validation set")
            .WithLayout("grid", new JsonObject { ["rows"] = rows, ["columns"] = columns, ["pattern"] = "independent", ["ygap"] = 0.45 })
            .WithLayout("legend", new JsonObject { ["orientation"] = "h", ["x"] = 0, ["y"] = 1.06 })
            .WithSize(1000, 300 * rows + 80);
        foreach (var (path, value) in figureLayout) figure = figure.WithLayout(path, value);
        return figure;
    }

    /// <summary>The calibration panel: EM-estimated against true defect share per run and validation subset, with the diagonal.</summary>
    public static PlotlyFigure Calibration(IReadOnlyList<PriorShiftRow> rows)
    {
        var points = rows.Where(r => r.Rule == DecisionRule.AsTrained).ToList();
        var traces = points.GroupBy(r => r.Backbone).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => PlotlyTraces.Points(g.Select(r => 100 * r.TrueShare), g.Select(r => 100 * r.EstimatedShare), g.Key,
                g.Select(r => $"{r.Run}, validation {KeyLabel(r.ValidationKey)}"))).ToList();
        double top = points.Count == 0 ? 50 : Math.Max(50, 100 * points.Max(r => Math.Max(r.TrueShare, r.EstimatedShare)));
        traces.Add(PlotlyTraces.Line(new[] { 0.0, top }, [0, top], "estimate = truth", dash: "dash"));
        return PlotlyFigure.Of(traces)
            .WithTitle("Defect share of each validation subset: EM estimate from the probe's unlabelled scores against the truth")
            .WithAxisTitles("true defect share (%)", "EM-estimated defect share (%)")
            .WithSize(760, 520);
    }

    /// <summary>F1 by validation share for each decision rule (mean over runs).</summary>
    public static PlotlyFigure RulesByShare(IReadOnlyList<PriorShiftSummary> summary)
    {
        var keys = ImbalanceGrid.ValidationKeys.Where(k => summary.Any(s => s.ValidationKey == k)).ToList();
        var traces = summary.Select(s => s.Rule).Distinct().Select(rule => PlotlyTraces.Line(keys.Select(KeyLabel),
            keys.Select(k => summary.FirstOrDefault(s => s.ValidationKey == k && s.Rule == rule)?.F1 ?? double.NaN),
            PriorShiftStudy.Display(rule), markers: true)).ToList();
        return PlotlyFigure.Of(traces)
            .WithTitle("Probe F1 by validation defect share under each decision rule (mean over runs)")
            .WithAxisTitles("validation defect share", "F1 (defect)")
            .WithSize(760, 460);
    }

    public static string KeyLabel(string key) => key == ImbalanceGrid.NaturalKey ? "natural" : key + " %";
}
