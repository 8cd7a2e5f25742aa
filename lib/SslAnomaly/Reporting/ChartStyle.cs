using System.Text.Json.Nodes;

namespace SslAnomaly.Reporting;

/// <summary>Small touches on figures' traces that the catalogue's figures and the notebooks' views share.</summary>
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
