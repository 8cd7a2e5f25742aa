using System.Net;
using System.Text;
using NotebookRunner.Documents;

namespace NotebookRunner.Export;

/// <summary>
/// A standalone HTML page of an executed notebook: markdown rendered, code shown, outputs embedded as
/// the notebook holds them (rich HTML as is, so a figure's own scripts, plotly.js included, run offline;
/// PNG as images; otherwise text). Errors are shown in red with their traceback.
/// </summary>
public static class HtmlPage
{
    const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; }
        .cell { margin: 1.2em 0; }
        .source { background: #f6f8fa; border-left: 3px solid #6a9fd8; padding: .6em .8em; overflow-x: auto; font-size: 90%; }
        .prompt { color: #888; font-size: 80%; font-family: monospace; }
        .output { margin: .4em 0 .4em 1em; overflow-x: auto; }
        pre.stream { margin: .2em 0; white-space: pre-wrap; }
        pre.stderr { color: #a33; }
        pre.error { color: #b00; background: #fff0f0; padding: .5em; white-space: pre-wrap; }
        table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 2px 6px; }
        """;

    public static string Render(Notebook notebook, string title)
    {
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
         .Append($"<title>{WebUtility.HtmlEncode(title)}</title><style>{Style}</style></head>\n<body>\n");
        foreach (var cell in notebook.Cells)
        {
            s.Append("<div class=\"cell\">\n");
            if (cell.Kind == CellKind.Markdown) s.Append(Markdown.ToHtml(cell.Source));
            else if (cell.Kind == CellKind.Raw) s.Append($"<pre>{WebUtility.HtmlEncode(cell.Source)}</pre>");
            else
            {
                string prompt = cell.ExecutionCount is { } n ? $"[{n}]" : "[ ]";
                s.Append($"<div class=\"prompt\">{prompt} {WebUtility.HtmlEncode(cell.Kernel)}</div>")
                 .Append($"<pre class=\"source\"><code>{WebUtility.HtmlEncode(cell.Source)}</code></pre>\n");
                foreach (var output in cell.Outputs) s.Append("<div class=\"output\">").Append(Output(output)).Append("</div>\n");
            }
            s.Append("</div>\n");
        }
        return s.Append("</body></html>\n").ToString();
    }

    /// <summary>A notebook's title: its first heading, else the file name.</summary>
    public static string TitleOf(Notebook notebook, string fallback) =>
        notebook.Cells.Where(c => c.Kind == CellKind.Markdown)
            .SelectMany(c => c.Source.Split('\n'))
            .Select(l => l.Trim())
            .FirstOrDefault(l => l.StartsWith('#'))?.TrimStart('#').Trim() ?? fallback;

    static string Output(CellOutput output) => output switch
    {
        StreamOutput s => $"<pre class=\"stream {s.Name}\">{WebUtility.HtmlEncode(s.Text.ToString())}</pre>",
        DisplayOutput d when d.Data.TryGetValue("text/html", out var html) => html,
        DisplayOutput d when d.Data.TryGetValue("image/png", out var png) => $"<img src=\"data:image/png;base64,{png.Trim()}\"/>",
        DisplayOutput d when d.Data.TryGetValue("text/plain", out var text) => $"<pre>{WebUtility.HtmlEncode(text)}</pre>",
        DisplayOutput => "",
        ErrorOutput e => $"<pre class=\"error\"><b>{WebUtility.HtmlEncode(e.EName)}: {WebUtility.HtmlEncode(e.EValue)}</b>\n{WebUtility.HtmlEncode(string.Join("\n", e.Traceback))}</pre>",
        _ => "",
    };
}
