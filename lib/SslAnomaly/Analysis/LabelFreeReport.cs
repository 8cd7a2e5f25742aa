using System.Net;
using System.Text;
using SslAnomaly.Eval;
using SslAnomaly.Reporting;
using SslAnomaly.Util;

namespace SslAnomaly.Analysis;

/// <summary>
/// The report's label-free section: the analysis written into a sub-folder of the report (tables, analysis.json,
/// figures) with an index.html that shows the verdict, the three tables and the figures, offline.
/// </summary>
public static class LabelFreeReport
{
    /// <summary>Writes the section into <paramref name="reportDir"/>/label-free; returns the page's path.</summary>
    public static string Write(string runsDir, string reportDir, BootstrapOptions? bootstrap = null)
    {
        var result = LabelFreeAnalysis.Run(runsDir, bootstrap);
        var dir = Path.Combine(reportDir, ReportWriter.LabelFreeFolder);
        LabelFreeAnalysis.Write(result, dir);
        var page = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Label-free metrics and unknown defect share</title>");
        page.AppendLine($"<script src=\"{PlotlyHtml.ScriptFile}\"></script>");
        page.AppendLine("<style>body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px}th{background:#eee}</style></head><body>");
        page.AppendLine($"<h1>Beyond the paper: label-free model choice and unknown defect share</h1><p>{WebUtility.HtmlEncode(LabelFreeAnalysis.Verdict(result))}</p>");
        foreach (var markdown in new[] { LabelFreeAnalysis.RankingMarkdown(result), LabelFreeAnalysis.RegretMarkdown(result), LabelFreeAnalysis.PriorShiftMarkdown(result) })
            page.AppendLine(ToHtml(markdown));
        foreach (var (_, title, figure) in LabelFreeAnalysis.Figures(result))
            page.AppendLine($"<h2>{WebUtility.HtmlEncode(title)}</h2>\n{PlotlyHtml.Fragment(figure)}");
        page.AppendLine("</body></html>");
        var path = Path.Combine(dir, "index.html");
        AtomicFile.WriteAllText(path, page.ToString());
        return path;
    }

    /// <summary>The analysis's markdown (headings, paragraphs, pipe tables) as HTML.</summary>
    public static string ToHtml(string markdown)
    {
        var html = new StringBuilder();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                int level = Math.Min(6, line.TakeWhile(c => c == '#').Count() + 1);
                html.AppendLine($"<h{level}>{WebUtility.HtmlEncode(line.TrimStart('#').Trim())}</h{level}>");
            }
            else if (line.StartsWith('|'))
            {
                html.Append("<table>");
                bool header = true;
                for (; i < lines.Length && lines[i].Trim().StartsWith('|'); i++)
                {
                    var cells = lines[i].Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();
                    if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':'))) continue;  // the separator row
                    string tag = header ? "th" : "td";
                    html.Append("<tr>").Append(string.Concat(cells.Select(c => $"<{tag}>{WebUtility.HtmlEncode(c)}</{tag}>"))).Append("</tr>");
                    header = false;
                }
                html.AppendLine("</table>");
                i--;
            }
            else html.AppendLine($"<p>{WebUtility.HtmlEncode(line)}</p>");
        }
        return html.ToString();
    }
}
