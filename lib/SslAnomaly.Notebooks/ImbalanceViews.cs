using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using SslAnomaly.Reporting;
using Chart = Plotly.NET.CSharp.Chart;

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
    public static IReadOnlyList<Table1Row> Table1Measured(IReadOnlyList<RunSummary> runs) =>
        Table1.Build(runs).Where(r => r.Ours is not null).ToList();

    /// <summary>Table 1 as markdown (one table per metric, cells "ours (paper)").</summary>
    public static MarkdownText Table1Markdown(IReadOnlyList<Table1Row> rows) => new(Table1.ToMarkdown(rows));

    /// <summary>One heatmap: rows method and train share, columns validation share, each cell's value printed.</summary>
    public static GenericChart Heatmap(IReadOnlyList<RunSummary> runs, string backbone, string metric, string figure) =>
        ChartStyle.WithCellValues(Figures.ImbalanceHeatmap(runs, backbone, metric,
            $"{figure}: {backbone} {Table1.Display(metric)} (rows: method, train defect share; columns: validation defect share)"));

    /// <summary>The paper's Figure 2 (ResNet-18 F1 as published), drawn the same way as ours.</summary>
    public static GenericChart PaperFigure2()
    {
        var rows = PaperReference.Figure2().OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.TrainDefectPct).ToList();
        var columns = new[] { "1", "2", "5", "15", "45" };
        var z = rows.Select(r => columns.Select(c => r.F1ByVal.TryGetValue(c, out var v) ? v : double.NaN).ToArray()).ToArray();
        var chart = Chart.Heatmap<double, string, string, string>(zData: z, X: columns.Select(c => c + "%").ToArray(),
            Y: rows.Select(r => $"{r.Method} {r.TrainDefectPct:0.##}%").ToArray(), ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true);
        var text = z.Select(row => row.Select(v => double.IsNaN(v) ? "" : v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return ChartStyle.WithCellText(chart, text).Titled("Paper, Figure 2: resnet18 F1 as published (blank: unreadable in the source)")
            .WithXAxisStyle<double, double, string>(TitleText: "validation defect share")
            .WithYAxisStyle<double, double, string>(TitleText: "method, train defect share")
            .WithSize(Width: 760, Height: Math.Max(360, 40 + 26 * rows.Count));
    }
}

/// <summary>Small touches on Plotly.NET charts that its C# layer does not expose.</summary>
public static class ChartStyle
{
    /// <summary>Prints each heatmap cell's value in the cell (Plotly's texttemplate).</summary>
    public static GenericChart WithCellValues(GenericChart chart, string format = ".2f") =>
        MapTraces(chart, t => t.SetProperty("texttemplate", $"%{{z:{format}}}"));

    /// <summary>Shows the legend even for a single trace (Plotly hides it then), so a lone method is still named.</summary>
    public static GenericChart WithLegend(GenericChart chart) => MapTraces(chart, t => t.SetProperty("showlegend", true));

    /// <summary>Prints the given text in each heatmap cell (rows of <paramref name="text"/> follow the rows of z).</summary>
    public static GenericChart WithCellText(GenericChart chart, string[][] text) =>
        MapTraces(chart, t =>
        {
            t.SetProperty("text", text);
            t.SetProperty("texttemplate", "%{text}");
        });

    /// <summary>Centres a heatmap's colour scale on <paramref name="mid"/> (diverging scales for differences).</summary>
    public static GenericChart WithColorMidpoint(GenericChart chart, double mid = 0) =>
        MapTraces(chart, t => t.SetProperty("zmid", mid));

    static GenericChart MapTraces(GenericChart chart, Action<Trace> change) =>
        GenericChart.mapTrace(FSharpFunc<Trace, Trace>.FromConverter(t => { change(t); return t; }), chart);
}
