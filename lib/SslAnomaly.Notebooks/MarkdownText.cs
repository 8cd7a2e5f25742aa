using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Markdown produced by the library (e.g. Table 1 as pipe tables), displayed as HTML with the markdown source
/// as the text/plain fallback, so it can be copied into a paper or an issue. Headings sit one level below the
/// notebook's own; raw HTML in the source is shown as text, since table cells carry names and values from run folders.
/// </summary>
public sealed record MarkdownText(string Markdown)
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    /// <summary>Scoped to this output: notebook front ends draw tables without borders by default.</summary>
    const string Style = "<style>.ssl-markdown table{border-collapse:collapse;font-size:90%}" +
        ".ssl-markdown th,.ssl-markdown td{border:1px solid #ccc;padding:2px 6px}.ssl-markdown th{background:#eee}</style>";

    public override string ToString() => Markdown;

    public string ToHtml()
    {
        var document = Markdig.Markdown.Parse(Markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>()) heading.Level = Math.Min(6, heading.Level + 1);
        foreach (var table in document.Descendants<Table>()) table.GetAttributes().AddClass("ssl-table");
        return $"<div class=\"ssl-markdown\">{Style}{document.ToHtml(Pipeline)}</div>";
    }
}
