using Microsoft.FSharp.Core;
using Plotly.NET;

namespace SslAnomaly.Reporting;

/// <summary>
/// Offline HTML for Plotly.NET charts. Plotly.NET 6 carries plotly.js 2.28 inside its assembly; we take it
/// from there once and write it next to the pages (or inline it), so no page needs the network.
/// </summary>
public static class PlotlyHtml
{
    public const string ScriptFile = "plotly-2.28.0.min.js";
    static readonly Lazy<string> script = new(ExtractPlotlyJs);

    /// <summary>The plotly.js source that Plotly.NET embeds.</summary>
    public static string PlotlyJs => script.Value;

    /// <summary>The chart's div and script, with no plotly.js reference (the page provides it).</summary>
    public static string Fragment(GenericChart chart) =>
        GenericChart.toChartHTML(GenericChart.setDisplayOptions(Options(PlotlyJSReference.NoReference), chart));

    /// <summary>A standalone page that loads plotly.js from a relative path.</summary>
    public static string Page(GenericChart chart, string title, string scriptPath) =>
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title>" +
        $"<script src=\"{scriptPath}\"></script></head><body>\n{Fragment(chart)}\n</body></html>\n";

    static DisplayOptions Options(PlotlyJSReference reference) => DisplayOptions.init(
        FSharpOption<string>.None, FSharpOption<string>.None, FSharpOption<string>.None, null, null, null,
        FSharpOption<PlotlyJSReference>.Some(reference));

    static string ExtractPlotlyJs()
    {
        var empty = Plotly.NET.CSharp.Chart.Point<double, double, string>(new[] { 0.0 }, new[] { 0.0 });
        var html = GenericChart.toEmbeddedHTML(GenericChart.setDisplayOptions(Options(PlotlyJSReference.Full), empty));
        const string open = "<script type=\"text/javascript\" charset=\"utf-8\">";
        int start = html.IndexOf(open, StringComparison.Ordinal);
        int end = start < 0 ? -1 : html.IndexOf("</script>", start, StringComparison.Ordinal);
        if (start < 0 || end < 0 || !html.Contains("plotly.js v2.", StringComparison.Ordinal))
            throw new InvalidOperationException("Plotly.NET did not embed plotly.js as expected; the report cannot be written offline.");
        return html[(start + open.Length)..end];
    }
}
