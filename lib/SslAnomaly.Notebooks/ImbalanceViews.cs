namespace SslAnomaly.Notebooks;

/// <summary>
/// Section 4 of the paper (notebook 03): Table 1 and the train% x val% heatmaps of Figures 2, 4 and 5 from a
/// sweep, with the published Figure 2 beside ours.
/// </summary>
public static class ImbalanceViews
{
    /// <summary>Metrics of Figure 4 (F1, F2_CIW, F1_Normal) and Figure 5 (precision, recall, F1).</summary>
    public static readonly IReadOnlyList<string> Figure4Metrics = ["f1", "f2_ciw", "f1_normal"];
    public static readonly IReadOnlyList<string> Figure5Metrics = ["precision", "recall"];

    /// <summary>Table 1 cells we measured (natural validation split), each beside the paper's number.</summary>
    public static IReadOnlyList<Table1Row> Table1Measured(IReadOnlyList<RunResult> runs) =>
        Table1.Build(runs).Where(r => r.Ours is not null).ToList();

    /// <summary>Table 1 as markdown (one table per metric, cells "ours (paper)").</summary>
    public static MarkdownText Table1Markdown(IReadOnlyList<Table1Row> rows) => new(Table1.ToMarkdown(rows));

    /// <summary>One heatmap: rows method and train share, columns validation share, each cell's value printed.</summary>
    public static PlotlyFigure Heatmap(IReadOnlyList<RunResult> runs, string backbone, string metric, string figure) =>
        ChartStyle.WithCellValues(Figures.ImbalanceHeatmap(runs, backbone, metric,
            $"{figure}: {backbone} {Table1.Display(metric)} (rows: method, train defect share; columns: validation defect share)"));

    /// <summary>The paper's Figure 2 (ResNet-18 F1 as published), drawn the same way as ours.</summary>
    public static PlotlyFigure PaperFigure2()
    {
        var rows = PaperReference.Figure2().OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.TrainDefectPct).ToList();
        var columns = new[] { "1", "2", "5", "15", "45" };
        var z = rows.Select(r => columns.Select(c => r.F1ByVal.TryGetValue(c, out var v) ? v : double.NaN).ToArray()).ToArray();
        var chart = PlotlyFigure.Of(PlotlyTraces.Heatmap(z, columns.Select(c => c + "%"), rows.Select(r => $"{r.Method} {r.TrainDefectPct:0.##}%")))
            .WithReversedYAxis();
        var text = z.Select(row => row.Select(v => double.IsNaN(v) ? "" : v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return ChartStyle.WithCellText(chart, text).WithTitle("Paper, Figure 2: resnet18 F1 as published (blank: unreadable in the source)")
            .WithAxisTitles("validation defect share", "method, train defect share")
            .WithSize(760, Math.Max(360, 40 + 26 * rows.Count));
    }
}

/// <summary>Small touches on figures' traces that the notebooks' figures share.</summary>
public static class ChartStyle
{
    /// <summary>Prints each heatmap cell's value in the cell (Plotly's texttemplate).</summary>
    public static PlotlyFigure WithCellValues(PlotlyFigure chart, string format = ".2f") =>
        chart.WithTraceProperty("texttemplate", $"%{{z:{format}}}");

    /// <summary>Shows the legend even for a single trace (Plotly hides it then), so a lone method is still named.</summary>
    public static PlotlyFigure WithLegend(PlotlyFigure chart) => chart.WithTraceProperty("showlegend", true);

    /// <summary>Prints the given text in each heatmap cell (rows of <paramref name="text"/> follow the rows of z).</summary>
    public static PlotlyFigure WithCellText(PlotlyFigure chart, string[][] text) =>
        chart.WithTraceProperty("text", new JsonArray(text.Select(row => (JsonNode?)new JsonArray(row.Select(c => (JsonNode?)c).ToArray())).ToArray()))
            .WithTraceProperty("texttemplate", "%{text}");

    /// <summary>Centres a heatmap's colour scale on <paramref name="mid"/> (diverging scales for differences).</summary>
    public static PlotlyFigure WithColorMidpoint(PlotlyFigure chart, double mid = 0) =>
        chart.WithTraceProperty("zmid", mid);
}
