namespace SslAnomaly.Notebooks;

/// <summary>
/// Markdown produced by the library (e.g. Table 1 as pipe tables), displayed as HTML with the markdown source
/// as the text/plain fallback, so it can be copied into a paper or an issue. Headings sit one level below the
/// notebook's own; raw HTML in the source is shown as text (<see cref="MarkdownHtml"/>).
/// </summary>
public sealed record MarkdownText(string Markdown)
{
    /// <summary>Scoped to this output: notebook front ends draw tables without borders by default.</summary>
    const string Style = "<style>.ssl-markdown table{border-collapse:collapse;font-size:90%}" +
        ".ssl-markdown th,.ssl-markdown td{border:1px solid #ccc;padding:2px 6px}.ssl-markdown th{background:#eee}</style>";

    public override string ToString() => Markdown;

    public string ToHtml() =>
        $"<div class=\"ssl-markdown\">{Style}{MarkdownHtml.ToHtml(Markdown, headingShift: 1, tableClass: "ssl-table")}</div>";
}
