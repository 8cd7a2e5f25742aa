using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace NotebookRunner.Export;

/// <summary>
/// The markdown a notebook story needs, as HTML: headings, paragraphs, emphasis, inline code, links,
/// images, fenced code, lists, block quotes, rules and pipe tables. Raw HTML blocks pass through;
/// everything else is escaped. Not a full CommonMark implementation.
/// </summary>
public static partial class Markdown
{
    public static string ToHtml(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var html = new StringBuilder();
        var paragraph = new List<string>();
        void FlushParagraph()
        {
            if (paragraph.Count == 0) return;
            html.Append("<p>").Append(Inline(string.Join("\n", paragraph))).Append("</p>\n");
            paragraph.Clear();
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string trimmed = line.Trim();
            if (trimmed.Length == 0) { FlushParagraph(); continue; }

            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                FlushParagraph();
                string language = trimmed[3..].Trim();
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].Trim().StartsWith("```", StringComparison.Ordinal); i++) code.Add(lines[i]);
                string cls = language.Length > 0 ? $" class=\"language-{WebUtility.HtmlEncode(language)}\"" : "";
                html.Append($"<pre><code{cls}>").Append(WebUtility.HtmlEncode(string.Join("\n", code))).Append("</code></pre>\n");
                continue;
            }
            if (Heading().Match(trimmed) is { Success: true } h)
            {
                FlushParagraph();
                int level = h.Groups[1].Length;
                html.Append($"<h{level}>{Inline(h.Groups[2].Value.TrimEnd('#', ' '))}</h{level}>\n");
                continue;
            }
            if (Rule().IsMatch(trimmed))
            {
                FlushParagraph();
                html.Append("<hr/>\n");
                continue;
            }
            if (trimmed.StartsWith('>'))
            {
                FlushParagraph();
                var quote = new List<string>();
                for (; i < lines.Length && lines[i].Trim().StartsWith('>'); i++) quote.Add(lines[i].Trim()[1..].TrimStart());
                i--;
                html.Append("<blockquote>").Append(ToHtml(string.Join("\n", quote))).Append("</blockquote>\n");
                continue;
            }
            if (ListItem().Match(line) is { Success: true } first)
            {
                FlushParagraph();
                bool ordered = char.IsDigit(first.Groups[2].Value[0]);
                html.Append(ordered ? "<ol>\n" : "<ul>\n");
                for (; i < lines.Length && ListItem().Match(lines[i]) is { Success: true } item; i++)
                {
                    var text = new StringBuilder(item.Groups[3].Value);
                    // continuation lines: indented, not a new item
                    while (i + 1 < lines.Length && lines[i + 1].StartsWith("  ", StringComparison.Ordinal) && !ListItem().IsMatch(lines[i + 1]))
                        text.Append('\n').Append(lines[++i].Trim());
                    html.Append("<li>").Append(Inline(text.ToString())).Append("</li>\n");
                }
                i--;
                html.Append(ordered ? "</ol>\n" : "</ul>\n");
                continue;
            }
            if (trimmed.StartsWith('|') && i + 1 < lines.Length && TableRule().IsMatch(lines[i + 1].Trim()))
            {
                FlushParagraph();
                html.Append("<table>\n<thead><tr>");
                foreach (var cell in Cells(trimmed)) html.Append("<th>").Append(Inline(cell)).Append("</th>");
                html.Append("</tr></thead>\n<tbody>\n");
                for (i += 2; i < lines.Length && lines[i].Trim().StartsWith('|'); i++)
                {
                    html.Append("<tr>");
                    foreach (var cell in Cells(lines[i].Trim())) html.Append("<td>").Append(Inline(cell)).Append("</td>");
                    html.Append("</tr>\n");
                }
                i--;
                html.Append("</tbody></table>\n");
                continue;
            }
            if (trimmed.StartsWith('<') && paragraph.Count == 0)
            {
                // A raw HTML block lasts until the next blank line.
                for (; i < lines.Length && lines[i].Trim().Length > 0; i++) html.Append(lines[i]).Append('\n');
                continue;
            }
            paragraph.Add(trimmed);
        }
        FlushParagraph();
        return html.ToString();
    }

    /// <summary>Inline markup on escaped text: code spans first (their content stays literal), then images, links, emphasis.</summary>
    public static string Inline(string text)
    {
        var codes = new List<string>();
        text = CodeSpan().Replace(text, m => { codes.Add(m.Groups[1].Value); return $"\u0001{codes.Count - 1}\u0001"; });
        text = WebUtility.HtmlEncode(text);
        text = Image().Replace(text, m => $"<img src=\"{m.Groups[2].Value}\" alt=\"{m.Groups[1].Value}\"/>");
        text = Link().Replace(text, m => $"<a href=\"{m.Groups[2].Value}\">{m.Groups[1].Value}</a>");
        text = Bold().Replace(text, "<strong>$2</strong>");
        text = Italic().Replace(text, "<em>$2</em>");
        return CodePlaceholder().Replace(text, m => $"<code>{WebUtility.HtmlEncode(codes[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)])}</code>");
    }

    static IEnumerable<string> Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim());

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")] private static partial Regex Heading();
    [GeneratedRegex(@"^(\*\s*){3,}$|^(-\s*){3,}$|^(_\s*){3,}$")] private static partial Regex Rule();
    [GeneratedRegex(@"^(\s*)([-*+]|\d+[.)])\s+(.*)$")] private static partial Regex ListItem();
    [GeneratedRegex(@"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")] private static partial Regex TableRule();
    [GeneratedRegex(@"`([^`]+)`")] private static partial Regex CodeSpan();
    [GeneratedRegex("\u0001(\\d+)\u0001")] private static partial Regex CodePlaceholder();
    [GeneratedRegex(@"!\[([^\]]*)\]\(([^)\s]+)\)")] private static partial Regex Image();
    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")] private static partial Regex Link();
    [GeneratedRegex(@"(\*\*|__)(.+?)\1")] private static partial Regex Bold();
    [GeneratedRegex(@"(?<![\w*])(\*|_)(?!\s)(.+?)(?<!\s)\1(?![\w*])")] private static partial Regex Italic();
}
