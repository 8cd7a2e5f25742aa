using System.Text;
using System.Text.RegularExpressions;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Markdown produced by the library (e.g. Table 1 as pipe tables), displayed as HTML with the markdown source
/// as the text/plain fallback, so it can be copied into a paper or an issue. Renders headings, pipe tables,
/// paragraphs, <c>**bold**</c> and <c>`code`</c>; anything else is shown as text.
/// </summary>
public sealed partial record MarkdownText(string Markdown)
{
    public override string ToString() => Markdown;

    public string ToHtml()
    {
        var s = new StringBuilder("<div class=\"ssl-markdown\">");
        var lines = Markdown.Replace("\r\n", "\n").Split('\n');
        var paragraph = new List<string>();
        void Flush()
        {
            if (paragraph.Count > 0) s.Append("<p>").Append(Inline(string.Join(" ", paragraph))).Append("</p>");
            paragraph.Clear();
        }
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) { Flush(); continue; }
            var heading = Heading().Match(line);
            if (heading.Success)
            {
                Flush();
                int level = Math.Min(6, heading.Groups[1].Length + 1); // one level below the notebook's own headings
                s.Append($"<h{level}>{Inline(heading.Groups[2].Value)}</h{level}>");
                continue;
            }
            if (line.StartsWith('|') && i + 1 < lines.Length && Separator().IsMatch(lines[i + 1].Trim()))
            {
                Flush();
                var align = Cells(lines[i + 1].Trim()).Select(c => c.EndsWith(':') ? "right" : "left").ToList();
                s.Append("<table class=\"ssl-table\" style=\"border-collapse:collapse;font-size:90%\"><thead><tr>");
                var header = Cells(line);
                for (int j = 0; j < header.Count; j++) s.Append($"<th style=\"{CellStyle(align, j)};background:#eee\">{Inline(header[j])}</th>");
                s.Append("</tr></thead><tbody>");
                i += 2;
                for (; i < lines.Length && lines[i].Trim().StartsWith('|'); i++)
                {
                    var row = Cells(lines[i].Trim());
                    s.Append("<tr>");
                    for (int j = 0; j < row.Count; j++) s.Append($"<td style=\"{CellStyle(align, j)}\">{Inline(row[j])}</td>");
                    s.Append("</tr>");
                }
                i--;
                s.Append("</tbody></table>");
                continue;
            }
            paragraph.Add(line);
        }
        Flush();
        return s.Append("</div>").ToString();
    }

    static string CellStyle(IReadOnlyList<string> align, int j) =>
        $"border:1px solid #ccc;padding:2px 6px;text-align:{(j < align.Count ? align[j] : "left")}";

    static List<string> Cells(string row) => row.Trim('|').Split('|').Select(c => c.Trim()).ToList();

    static string Inline(string text)
    {
        var encoded = HtmlText.Encode(text);
        encoded = Code().Replace(encoded, "<code>$1</code>");
        return Bold().Replace(encoded, "<b>$1</b>");
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\*\*([^*]+)\*\*")]
    private static partial Regex Bold();
}
