using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;

namespace SslAnomaly.Reporting;

/// <summary>
/// Offline HTML for <see cref="PlotlyFigure"/>s. plotly.js 2.28 comes from the Plotly.NET package, which carries
/// it as a resource of Plotly.NET.dll: we read that resource from the file without loading the assembly (loading
/// its code would need FSharp.Core 10.1, which the .NET Interactive kernel cannot provide), and write it next to
/// the pages (or inline it), so no page needs the network.
/// </summary>
public static class PlotlyHtml
{
    public const string ScriptFile = "plotly-2.28.0.min.js";
    const string ResourceName = "Plotly.NET.plotly-2.28.0.min.js";
    static readonly Lazy<string> script = new(ReadPlotlyJs);

    /// <summary>The plotly.js source that Plotly.NET embeds.</summary>
    public static string PlotlyJs => script.Value;

    /// <summary>
    /// The figure's div and the script that draws it, with no plotly.js reference (the page provides it). The div
    /// carries the figure's size (data-width, data-height), which the PNG export reads.
    /// </summary>
    public static string Fragment(PlotlyFigure figure)
    {
        var json = JsonDocument.Parse(figure.ToJson()).RootElement;
        string id = "plot-" + Guid.NewGuid().ToString("N");
        var (width, height) = Size(json);
        string config = JsonSerializer.Serialize(new { responsive = true, displaylogo = false });
        return $"<div id=\"{id}\" class=\"plotly-figure\" data-width=\"{width}\" data-height=\"{height}\" style=\"width:{width}px;height:{height}px\"></div>\n" +
               $"<script type=\"text/javascript\">Plotly.newPlot('{id}', {ScriptSafe(json.GetProperty("data").GetRawText())}, " +
               $"{ScriptSafe(json.GetProperty("layout").GetRawText())}, {config});</script>";
    }

    /// <summary>A standalone page that loads plotly.js from a relative path.</summary>
    public static string Page(PlotlyFigure figure, string title, string scriptPath) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title>" +
        $"<script src=\"{scriptPath}\"></script></head><body>\n{Fragment(figure)}\n</body></html>\n";

    /// <summary>The figure's layout width and height in pixels (1100 x 720 where it sets none).</summary>
    public static (int Width, int Height) Size(JsonElement figure)
    {
        int Px(string key, int fallback) =>
            figure.TryGetProperty("layout", out var layout) && layout.ValueKind == JsonValueKind.Object &&
            layout.TryGetProperty(key, out var v) && v.TryGetDouble(out var px) && px > 0 ? (int)Math.Round(px) : fallback;
        return (Px("width", 1100), Px("height", 720));
    }

    /// <summary>"&lt;/" inside a script would end it early (a title such as "&lt;/script&gt;"); "&lt;\/" means the same in JSON.</summary>
    public static string ScriptSafe(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal);

    static string ReadPlotlyJs()
    {
        // Plotly.NET.dll is copied next to this library (CLI, tests, the notebooks' #r folder).
        string dll = Path.Combine(Path.GetDirectoryName(typeof(PlotlyHtml).Assembly.Location) ?? ".", "Plotly.NET.dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"cannot find {dll}, which carries plotly.js; rebuild the workbook so the Plotly.NET package is copied next to SslAnomaly.dll.");
        using var pe = new PEReader(File.OpenRead(dll));
        var md = pe.GetMetadataReader();
        foreach (var handle in md.ManifestResources)
        {
            var resource = md.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || md.GetString(resource.Name) != ResourceName) continue;
            var directory = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
            var reader = directory.GetReader((int)resource.Offset, directory.Length - (int)resource.Offset);
            int length = reader.ReadInt32(); // each embedded resource is a 4-byte length, then the bytes
            var text = Encoding.UTF8.GetString(reader.ReadBytes(length));
            if (!text.Contains("plotly.js v2.", StringComparison.Ordinal)) break;
            return text;
        }
        throw new InvalidOperationException($"{dll} does not carry {ResourceName} as expected; the figures cannot be drawn offline.");
    }
}
