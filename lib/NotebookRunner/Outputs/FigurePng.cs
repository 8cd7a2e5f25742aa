using System.Text.Json;
using SslAnomaly.Reporting;
using SslAnomaly.Util;

namespace NotebookRunner.Outputs;

/// <summary>
/// A notebook figure's PNG, drawn as the report draws its PNG copies (<see cref="FigureImages"/>): plotly.js from the
/// workbook's own copy, the figure at its layout size, one headless chromium screenshot. Works offline.
/// </summary>
public sealed class FigurePng : IDisposable
{
    readonly string browser;
    readonly DirectoryInfo work = Directory.CreateTempSubdirectory("notebook-figures-");
    int count;

    FigurePng(string browser)
    {
        this.browser = browser;
        File.WriteAllText(Path.Combine(work.FullName, PlotlyHtml.ScriptFile), PlotlyHtml.PlotlyJs);
    }

    /// <summary>A renderer where a browser is installed; else null with the reason.</summary>
    public static FigurePng? TryCreate(out string? whyNot)
    {
        var browser = HeadlessChromium.Find();
        whyNot = browser is null ? $"no chromium found (install Debian's 'chromium' or set {HeadlessChromium.ExecutableVariable})" : null;
        return browser is null ? null : new FigurePng(browser);
    }

    /// <summary>The figure (plotly.js JSON: data and layout) as PNG bytes; figures without a size get 1000 x 450, about a notebook's width and its default height.</summary>
    public byte[] Render(string figureJson)
    {
        using var figure = JsonDocument.Parse(figureJson);
        var layout = figure.RootElement.TryGetProperty("layout", out var l) ? l : default;
        int Px(string key, int fallback) =>
            layout.ValueKind == JsonValueKind.Object && layout.TryGetProperty(key, out var v) && v.TryGetDouble(out var px) && px > 0 ? (int)Math.Round(px) : fallback;
        int width = Px("width", 1000), height = Px("height", 450);
        string n = (++count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var page = Path.Combine(work.FullName, $"figure-{n}.html");
        var png = Path.Combine(work.FullName, $"figure-{n}.png");
        // No margins, no hover toolbar: the PNG holds the figure alone, as the report's copies do.
        File.WriteAllText(page,
            $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>body{{margin:0}}.modebar-container{{display:none!important}}</style>" +
            $"<script src=\"{PlotlyHtml.ScriptFile}\"></script></head><body>\n<div id=\"figure\" style=\"width:{width}px;height:{height}px\"></div>\n" +
            $"<script>var f = {PlotlyHtml.ScriptSafe(figureJson)}; f.layout = Object.assign({{}}, f.layout, {{width: {width}, height: {height}}});\n" +
            "Plotly.newPlot('figure', f.data, f.layout, {displaylogo: false, staticPlot: true});</script>\n</body></html>\n");
        HeadlessChromium.Screenshot(browser, page, png, width, height);
        var bytes = File.ReadAllBytes(png);
        File.Delete(page);
        File.Delete(png);
        return bytes;
    }

    public void Dispose()
    {
        try { work.Delete(recursive: true); } catch (IOException) { }
    }
}
