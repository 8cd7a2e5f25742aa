using System.Text.Json;
using System.Text.Json.Nodes;

namespace SslAnomaly.Reporting;

/// <summary>
/// A plotly.js figure (its <c>data</c> traces and <c>layout</c>) as plain JSON, drawn by plotly.js in the report, in
/// notebooks and in Chromium. We build figures ourselves rather than through Plotly.NET because Plotly.NET 6 needs
/// FSharp.Core 10.1 while the .NET Interactive kernel has FSharp.Core 10.0 loaded already: inside the kernel no
/// Plotly.NET chart can be made at all. JSON needs nothing but System.Text.Json, so one figure works everywhere.
/// </summary>
public sealed class PlotlyFigure
{
    readonly JsonArray data;
    readonly JsonObject layout;

    PlotlyFigure(JsonArray data, JsonObject layout) => (this.data, this.layout) = (data, layout);

    /// <summary>A figure of the given traces (see <see cref="PlotlyTraces"/>), in order, with an empty layout.</summary>
    public static PlotlyFigure Of(IEnumerable<JsonObject> traces) => new(new JsonArray(traces.ToArray<JsonNode?>()), new JsonObject());

    public static PlotlyFigure Of(params JsonObject[] traces) => Of(traces.AsEnumerable());

    public PlotlyFigure WithTitle(string title) => WithLayout("title", new JsonObject { ["text"] = title });

    public PlotlyFigure WithAxisTitles(string x, string y) =>
        WithLayout("xaxis.title", new JsonObject { ["text"] = x }).WithLayout("yaxis.title", new JsonObject { ["text"] = y });

    public PlotlyFigure WithSize(int width, int height) => WithLayout("width", width).WithLayout("height", height);

    /// <summary>Heatmap rows top to bottom in the order given (plotly draws the first row at the bottom otherwise).</summary>
    public PlotlyFigure WithReversedYAxis() => WithLayout("yaxis.autorange", "reversed");

    /// <summary>Sets one layout property; a dotted path ("xaxis.type") creates the objects on the way.</summary>
    public PlotlyFigure WithLayout(string path, JsonNode? value)
    {
        var copy = Copy();
        var parts = path.Split('.');
        var target = copy.layout;
        foreach (var part in parts[..^1])
        {
            if (target[part] is not JsonObject next) target[part] = next = new JsonObject();
            target = next;
        }
        target[parts[^1]] = value;
        return copy;
    }

    /// <summary>Sets one property on every trace (e.g. a heatmap's texttemplate).</summary>
    public PlotlyFigure WithTraceProperty(string name, JsonNode? value)
    {
        var copy = Copy();
        foreach (var trace in copy.data.OfType<JsonObject>()) trace[name] = value?.DeepClone();
        return copy;
    }

    /// <summary>The figure as plotly.js reads it: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public string ToJson() => new JsonObject { ["data"] = data.DeepClone(), ["layout"] = layout.DeepClone() }.ToJsonString(JsonOptions);

    /// <summary>A parsed copy, for readers such as the text summary.</summary>
    public JsonElement ToJsonElement() => JsonDocument.Parse(ToJson()).RootElement;

    public override string ToString() => ToJson();

    PlotlyFigure Copy() => new((JsonArray)data.DeepClone(), (JsonObject)layout.DeepClone());

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };
}
