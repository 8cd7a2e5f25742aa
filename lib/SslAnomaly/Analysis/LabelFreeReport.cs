using System.Net;
using System.Text;
using SslAnomaly.Eval;
using SslAnomaly.Reporting;
using SslAnomaly.Util;

namespace SslAnomaly.Analysis;

/// <summary>
/// The report's label-free section: the analysis written into a sub-folder of the report (tables, analysis.json,
/// figures) with an index.html that shows the verdict, how its intervals were drawn and what they may claim, the three
/// tables and the figures, offline.
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
        page.AppendLine($"<p><b>How to read the intervals.</b> {WebUtility.HtmlEncode(LabelFreeAnalysis.StatisticsNote(result))}</p>");
        foreach (var markdown in new[] { LabelFreeAnalysis.RankingMarkdown(result), LabelFreeAnalysis.RegretMarkdown(result), LabelFreeAnalysis.PriorShiftMarkdown(result) })
            page.AppendLine(MarkdownHtml.ToHtml(markdown, headingShift: 1));
        foreach (var (_, title, figure) in LabelFreeAnalysis.Figures(result))
            page.AppendLine($"<h2>{WebUtility.HtmlEncode(title)}</h2>\n{PlotlyHtml.Fragment(figure)}");
        page.AppendLine("</body></html>");
        var path = Path.Combine(dir, "index.html");
        AtomicFile.WriteAllText(path, page.ToString());
        return path;
    }
}
