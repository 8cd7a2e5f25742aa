using Markdig;

namespace NotebookRunner.Export;

/// <summary>
/// A notebook's markdown cells as HTML: CommonMark (headings, emphasis, links, images, lists, quotes, code, raw HTML as
/// the notebook's author wrote it) and pipe tables, the one extension the notebooks' stories use. Code and text are
/// escaped by Markdig; nothing is fetched, so the page stays offline.
/// </summary>
public static class Markdown
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static string ToHtml(string markdown) => Markdig.Markdown.ToHtml(markdown, Pipeline);
}
