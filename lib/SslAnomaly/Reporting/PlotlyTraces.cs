using System.Globalization;
using System.Text.Json.Nodes;

namespace SslAnomaly.Reporting;

/// <summary>
/// The few plotly.js trace kinds the workbook draws (lines, points, columns, heatmaps), as JSON objects for
/// <see cref="PlotlyFigure.Of(JsonObject[])"/>. Missing values (NaN) become null, which plotly.js leaves blank.
/// </summary>
public static class PlotlyTraces
{
    /// <summary>A line; <paramref name="dash"/> is plotly's dash name ("dash", "dot"), <paramref name="color"/> a CSS colour.</summary>
    public static JsonObject Line<TX>(IEnumerable<TX> x, IEnumerable<double> y, string name, bool markers = false,
        string? dash = null, double? opacity = null, bool? showLegend = null, string? color = null)
    {
        var trace = Trace("scatter", name, Values(x), Numbers(y));
        trace["mode"] = markers ? "lines+markers" : "lines";
        if (dash is not null || color is not null)
        {
            var line = new JsonObject();
            if (dash is not null) line["dash"] = dash;
            if (color is not null) line["color"] = color;
            trace["line"] = line;
        }
        if (opacity is not null) trace["opacity"] = opacity.Value;
        if (showLegend is not null) trace["showlegend"] = showLegend.Value;
        return trace;
    }

    /// <summary>
    /// Vertical interval bars on a trace's points: from <paramref name="low"/> to <paramref name="high"/> around each y (plotly
    /// reads them as distances from y); a point without an interval (null) gets no bar.
    /// </summary>
    public static JsonObject WithErrorBars(JsonObject trace, IReadOnlyList<double> y, IReadOnlyList<double?> low, IReadOnlyList<double?> high)
    {
        trace["error_y"] = new JsonObject
        {
            ["type"] = "data", ["symmetric"] = false, ["visible"] = true,
            ["array"] = Numbers(y.Select((v, i) => high[i] is { } h ? h - v : double.NaN)),
            ["arrayminus"] = Numbers(y.Select((v, i) => low[i] is { } l ? v - l : double.NaN)),
        };
        return trace;
    }

    /// <summary>Markers only, with an optional hover text per point.</summary>
    public static JsonObject Points(IEnumerable<double> x, IEnumerable<double> y, string name, IEnumerable<string>? text = null)
    {
        var trace = Trace("scatter", name, Numbers(x), Numbers(y));
        trace["mode"] = "markers";
        if (text is not null) trace["text"] = Values(text);
        return trace;
    }

    /// <summary>Vertical bars, one per label, with an optional hover text per bar (not printed on the bar).</summary>
    public static JsonObject Columns(IEnumerable<string> labels, IEnumerable<double> values, string name, IEnumerable<string>? hover = null)
    {
        var trace = Trace("bar", name, Values(labels), Numbers(values));
        if (hover is not null)
        {
            trace["text"] = Values(hover);
            trace["textposition"] = "none";
        }
        return trace;
    }

    /// <summary>A heatmap: <paramref name="z"/>[row][column], rows labelled by <paramref name="y"/>, columns by <paramref name="x"/>.</summary>
    public static JsonObject Heatmap(IReadOnlyList<double[]> z, IEnumerable<string> x, IEnumerable<string> y,
        string colorScale = "Viridis", bool reverseScale = false)
    {
        var trace = new JsonObject
        {
            ["type"] = "heatmap",
            ["z"] = new JsonArray(z.Select(row => (JsonNode?)Numbers(row)).ToArray()),
            ["x"] = Values(x),
            ["y"] = Values(y),
            ["colorscale"] = colorScale,
        };
        if (reverseScale) trace["reversescale"] = true;
        return trace;
    }

    static JsonObject Trace(string type, string name, JsonArray x, JsonArray y) =>
        new() { ["type"] = type, ["name"] = name, ["x"] = x, ["y"] = y };

    static JsonArray Numbers(IEnumerable<double> values) =>
        new(values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : null).ToArray<JsonNode?>());

    /// <summary>Axis values: text stays text, numbers (steps, resolutions) become JSON numbers.</summary>
    static JsonArray Values<T>(IEnumerable<T> values) => new(values.Select(v => (JsonNode?)(v switch
    {
        null => null,
        string s => JsonValue.Create(s),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        IConvertible c => JsonValue.Create(c.ToDouble(CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(v.ToString()),
    })).ToArray());
}
