using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace SslAnomaly.Reporting;

/// <summary>
/// The library's own markdown (Table 1, the label-free tables) as HTML, for the report's pages and the notebooks:
/// CommonMark with pipe tables. Raw HTML in the source is shown as text, since table cells carry names and values read
/// from run folders.
/// </summary>
public static class MarkdownHtml
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    /// <param name="markdown">The source.</param>
    /// <param name="headingShift">Levels to push every heading down (at most to h6), so it sits below the page's own.</param>
    /// <param name="tableClass">A class for every table, for the page's style; null for none.</param>
    public static string ToHtml(string markdown, int headingShift = 0, string? tableClass = null)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var heading in document.Descendants<HeadingBlock>()) heading.Level = Math.Min(6, heading.Level + headingShift);
        if (tableClass is not null)
            foreach (var table in document.Descendants<Table>()) table.GetAttributes().AddClass(tableClass);
        return document.ToHtml(Pipeline);
    }
}
