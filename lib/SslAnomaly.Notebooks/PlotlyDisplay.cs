using System.Text;
using System.Text.Json;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Plotly figures (<see cref="PlotlyFigure"/>) as offline HTML. The first chart rendered in a process carries plotly.js inline
/// (guarded, so a page that already has Plotly keeps its copy); later charts are only a div and a small
/// script that waits for <c>window.Plotly</c>. This works in VS Code's kernel (all outputs share one
/// webview, so the first output's script serves the rest), in Jupyter, and in a static executed notebook
/// or HTML page, where outputs run in document order. A new kernel (a new process) embeds it again.
/// </summary>
public static class PlotlyDisplay
{
    /// <summary>Attribute on the script element that carries plotly.js, so pages can find (or drop) it.</summary>
    public const string PlotlyScriptMarker = "data-ssl-anomaly-plotly-js";
    static int scriptEmitted;

    /// <summary>Makes the next chart carry plotly.js again (e.g. after clearing the output that held it).</summary>
    public static void ResetEmbeddedScript() => Interlocked.Exchange(ref scriptEmitted, 0);

    public static string ToHtml(PlotlyFigure chart)
    {
        var figure = Figure(chart); // parsed once per rendering
        string id = "ssl-plot-" + Guid.NewGuid().ToString("N");
        var (width, height) = Size(figure);
        var s = new StringBuilder();
        // The fallback text is what static viewers that drop scripts (GitHub) show; drawing replaces it.
        s.Append($"<div id=\"{id}\" class=\"ssl-plotly\" style=\"width:{width};height:{height}\">")
         .Append($"<pre class=\"ssl-plotly-fallback\">{HtmlText.Encode(ToText(figure))}</pre></div>\n");
        if (Interlocked.Exchange(ref scriptEmitted, 1) == 0)
        {
            // define/module/exports are shadowed so that plotly's UMD wrapper sets window.Plotly even where
            // require.js is present (notebook front ends); the guard keeps an existing copy.
            s.Append($"<script type=\"text/javascript\" {PlotlyScriptMarker}=\"2.28.0\">if (!window.Plotly) {{ (function (define, module, exports) {{\n")
             .Append(PlotlyHtml.PlotlyJs)
             .Append("\n}).call(window); }</script>\n");
        }
        string config = JsonSerializer.Serialize(new { responsive = true, displaylogo = false });
        s.Append("<script type=\"text/javascript\">(function () {\n")
         .Append($"  var figure = {ScriptSafe(figure.GetRawText())};\n")
         .Append($"  var config = {config};\n")
         .Append("  var tries = 0;\n")
         .Append("  function draw() {\n")
         .Append($"    var el = document.getElementById('{id}');\n")
         .Append("    if (!el) return;\n")
         .Append("    if (window.Plotly) { el.innerHTML = ''; window.Plotly.newPlot(el, figure.data, figure.layout, config); return; }\n")
         .Append("    if (++tries > 200) { el.insertAdjacentHTML('afterbegin', '<p><b>plotly.js is not on this page: run SslAnomaly.Notebooks.PlotlyDisplay.ResetEmbeddedScript() and display the chart again.</b></p>'); return; }\n")
         .Append("    setTimeout(draw, 50);\n")
         .Append("  }\n")
         .Append("  draw();\n")
         .Append("})();</script>");
        return s.ToString();
    }

    /// <summary>A plain-text summary: title, axes and one line per trace with its size.</summary>
    public static string ToText(PlotlyFigure chart) => ToText(Figure(chart));

    static JsonElement Figure(PlotlyFigure chart) => chart.ToJsonElement();

    static string ToText(JsonElement figure)
    {
        var s = new StringBuilder();
        var layout = figure.TryGetProperty("layout", out var l) ? l : default;
        s.Append("Plotly figure");
        if (TitleOf(layout) is { } title) s.Append($": {title}");
        var axes = new[] { "xaxis", "yaxis" }.Select(a => TitleOf(Property(layout, a))).Where(t => t is not null).ToList();
        if (axes.Count > 0) s.Append($" ({string.Join(" vs ", axes)})");
        s.AppendLine();
        if (figure.TryGetProperty("data", out var data))
            foreach (var trace in data.EnumerateArray())
            {
                string type = trace.TryGetProperty("type", out var t) ? t.GetString() ?? "?" : "?";
                string name = trace.TryGetProperty("name", out var n) ? $" \"{n.GetString()}\"" : "";
                s.AppendLine($"  {type}{name}: {TraceSize(trace)}");
            }
        return s.ToString().TrimEnd('\n');
    }

    static string TraceSize(JsonElement trace)
    {
        if (trace.TryGetProperty("z", out var z) && z.ValueKind == JsonValueKind.Array)
        {
            int rows = z.GetArrayLength();
            int cols = rows > 0 && z[0].ValueKind == JsonValueKind.Array ? z[0].GetArrayLength() : 1;
            return $"{rows} x {cols} cells";
        }
        foreach (var key in new[] { "x", "y", "values" })
            if (trace.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array)
                return $"{v.GetArrayLength()} points";
        return "no data";
    }

    static (string Width, string Height) Size(JsonElement figure)
    {
        var layout = Property(figure, "layout");
        string Px(string key, string fallback) =>
            layout.ValueKind == JsonValueKind.Object && layout.TryGetProperty(key, out var v) && v.TryGetDouble(out var px)
                ? px.ToString("0", CultureInfo.InvariantCulture) + "px" : fallback;
        return (Px("width", "100%"), Px("height", "450px"));
    }

    /// <summary>"&lt;/" inside a script would end it early (a title such as "&lt;/script&gt;"); "&lt;\/" means the same in JSON.</summary>
    static string ScriptSafe(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal);

    static JsonElement Property(JsonElement e, string key) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(key, out var v) ? v : default;

    static string? TitleOf(JsonElement e)
    {
        var title = Property(e, "title");
        if (title.ValueKind == JsonValueKind.String) return title.GetString();
        var text = Property(title, "text");
        return text.ValueKind == JsonValueKind.String ? text.GetString() : null;
    }
}
