using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner.Outputs;

/// <summary>
/// Outputs of an executed notebook written into its source: the .ipynb stays byte for byte what its author wrote except
/// for each code cell's outputs and execution count, and each Plotly figure gets a PNG copy as the output after it
/// (GitHub and other static viewers drop the figure's script, so the interactive output alone shows only its text).
/// </summary>
public static partial class NotebookOutputs
{
    /// <summary>Where the PNG copy of a figure says what it is (display_data metadata), so readers and the check can find it.</summary>
    public const string PngCopyMetadata = "ssl_anomaly_png_copy";

    /// <summary>The source notebook with every code cell's outputs and execution count taken from the executed one.</summary>
    public static JsonObject Merge(JsonObject source, JsonObject executed, string nameForMessages)
    {
        var merged = (JsonObject)source.DeepClone();
        var sourceCells = Cells(merged, nameForMessages);
        var executedCells = Cells(executed, nameForMessages);
        if (sourceCells.Count != executedCells.Count)
            throw new InvalidOperationException($"{nameForMessages}: the executed notebook has {executedCells.Count} cells, the source {sourceCells.Count}.");
        for (int i = 0; i < sourceCells.Count; i++)
        {
            if (sourceCells[i]["cell_type"]?.GetValue<string>() != "code") continue;
            if (executedCells[i]["cell_type"]?.GetValue<string>() != "code")
                throw new InvalidOperationException($"{nameForMessages}: cell {i + 1} is code in the source but not in the executed notebook.");
            sourceCells[i]["execution_count"] = executedCells[i]["execution_count"]?.DeepClone();
            sourceCells[i]["outputs"] = executedCells[i]["outputs"]?.DeepClone() ?? new JsonArray();
        }
        return merged;
    }

    /// <summary>
    /// Every copy of plotly.js the kernel inlined (about 3.6 MB, in the first figure of each notebook) replaced by a few
    /// lines that load the same version from plotly's CDN (through require.js where the page has it, as Jupyter front ends
    /// do), so that each committed notebook carries its figures, not the library. The figures' own scripts wait for
    /// window.Plotly either way; the PNG copies need no script at all. Returns how many copies were replaced.
    /// </summary>
    public static int LinkPlotlyJs(JsonObject notebook)
    {
        int replaced = 0;
        foreach (var output in Cells(notebook, "notebook").SelectMany(c => c["outputs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(output, "text/html") is not { } html || !InlinedPlotlyJs().IsMatch(html)) continue;
            output["data"]!["text/html"] = InlinedPlotlyJs().Replace(html, m =>
            {
                replaced++;
                string version = m.Groups["version"].Value;
                return $"<script type=\"text/javascript\" {PlotlyScriptMarker}=\"{version}\" data-ssl-anomaly-plotly-cdn>if (!window.Plotly) {{ (function () {{\n" +
                       $"  var url = 'https://cdn.plot.ly/plotly-{version}.min';\n" +
                       "  if (typeof window.requirejs === 'function') { window.requirejs.config({ paths: { plotly: url } }); window.requirejs(['plotly'], function (p) { window.Plotly = p; }); }\n" +
                       "  else { var s = document.createElement('script'); s.src = url + '.js'; document.head.appendChild(s); }\n" +
                       "})(); }</script>";
            });
        }
        return replaced;
    }

    /// <summary>The attribute SslAnomaly.Notebooks' PlotlyDisplay puts on the script that carries plotly.js, valued with its version.</summary>
    public const string PlotlyScriptMarker = "data-ssl-anomaly-plotly-js";

    // The copies the kernel inlined, not the loaders that replaced them (data-ssl-anomaly-plotly-cdn).
    [GeneratedRegex(@"<script(?![^>]*data-ssl-anomaly-plotly-cdn)[^>]*data-ssl-anomaly-plotly-js=""(?<version>[0-9.]+)""[^>]*>.*?</script>", RegexOptions.Singleline)]
    private static partial Regex InlinedPlotlyJs();

    /// <summary>The notebook without outputs or execution counts: what the source looks like before execution.</summary>
    public static JsonObject Cleared(JsonObject notebook)
    {
        var cleared = (JsonObject)notebook.DeepClone();
        foreach (var cell in Cells(cleared, "notebook").Where(c => c["cell_type"]?.GetValue<string>() == "code"))
        {
            cell["execution_count"] = null;
            cell["outputs"] = new JsonArray();
        }
        return cleared;
    }

    /// <summary>
    /// After every output that draws a Plotly figure, a display_data output with its PNG (image/png, base64) and the
    /// figure's text summary; PNG copies already there are replaced. <paramref name="render"/> turns the figure's plotly.js
    /// JSON into PNG bytes. Returns how many figures were rendered.
    /// </summary>
    public static int AddFigurePngs(JsonObject notebook, Func<string, byte[]> render)
    {
        int rendered = 0;
        foreach (var cell in Cells(notebook, "notebook"))
        {
            if (cell["outputs"] is not JsonArray outputs) continue;
            var result = new JsonArray();
            foreach (var output in outputs.Select(o => o!.DeepClone()).OfType<JsonObject>())
            {
                if (IsPngCopy(output)) continue;
                result.Add(output);
                if (FigureJson(output) is not { } figure) continue;
                var png = render(figure);
                result.Add(new JsonObject
                {
                    ["output_type"] = "display_data",
                    ["data"] = new JsonObject
                    {
                        ["image/png"] = Convert.ToBase64String(png),
                        ["text/plain"] = Text(output, "text/plain") is { Length: > 0 } summary ? $"{summary}\n(PNG copy of the figure above)" : "PNG copy of the figure above",
                    },
                    ["metadata"] = new JsonObject { [PngCopyMetadata] = true },
                });
                rendered++;
            }
            cell["outputs"] = result;
        }
        return rendered;
    }

    /// <summary>
    /// The notebook as Jupyter writes it (one-space indent, characters unescaped, a final newline), so that writing the
    /// outputs into a notebook changes its outputs and nothing else.
    /// </summary>
    public static string Write(JsonObject notebook) => notebook.ToJsonString(JupyterStyle) + "\n";

    static readonly JsonSerializerOptions JupyterStyle = new()
    {
        WriteIndented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static bool IsPngCopy(JsonObject output) => output["metadata"]?[PngCopyMetadata]?.GetValue<bool>() == true;

    /// <summary>
    /// The plotly.js figure ({"data", "layout"}) an output draws, as SslAnomaly.Notebooks' PlotlyDisplay writes it
    /// (a div of class ssl-plotly and a script with <c>var figure = {...};</c>), or null for any other output.
    /// </summary>
    public static string? FigureJson(JsonObject output)
    {
        if (Text(output, "text/html") is not { } html || !html.Contains("class=\"ssl-plotly\"", StringComparison.Ordinal)) return null;
        var m = FigureAssignment().Match(html);
        if (!m.Success) return null;
        try
        {
            // The script escaped "</" as "<\/", which JSON reads back as the same text.
            using var figure = JsonDocument.Parse(m.Groups[1].Value);
            return figure.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"var figure = (\{.*?\});\n  var config", RegexOptions.Singleline)]
    private static partial Regex FigureAssignment();

    /// <summary>A mime type's content of a display output (nbformat's multiline string joined), or null.</summary>
    public static string? Text(JsonObject output, string mime) => output["data"]?[mime] switch
    {
        null => null,
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        var value => value.GetValue<string>(),
    };

    public static IReadOnlyList<JsonObject> Cells(JsonObject notebook, string nameForMessages) =>
        (notebook["cells"] as JsonArray ?? throw new InvalidOperationException($"{nameForMessages}: 'cells' is missing.")).OfType<JsonObject>().ToList();
}
