using System.Text;

namespace SslAnomaly.Notebooks;

/// <summary>
/// A rectangular table of already formatted cells, rendered as an HTML table or as aligned plain text.
/// Data frames, sequences of records and run summaries all become one of these.
/// </summary>
public sealed class TextTable(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, int totalRows)
{
    public IReadOnlyList<string> Headers { get; } = headers;
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; } = rows;
    /// <summary>Rows in the source; more than <see cref="Rows"/> when the display was cut.</summary>
    public int TotalRows { get; } = totalRows;

    const string Style = "border-collapse:collapse;font-size:90%";
    const string CellStyle = "border:1px solid #ccc;padding:2px 6px;text-align:right";

    public string ToHtml()
    {
        var s = new StringBuilder();
        s.Append($"<table class=\"ssl-table\" style=\"{Style}\"><thead><tr>");
        foreach (var h in Headers) s.Append($"<th style=\"{CellStyle};background:#eee\">{HtmlText.Encode(h)}</th>");
        s.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            s.Append("<tr>");
            foreach (var cell in row) s.Append($"<td style=\"{CellStyle}\">{HtmlText.Encode(cell)}</td>");
            s.Append("</tr>");
        }
        s.Append("</tbody></table>");
        if (TotalRows > Rows.Count) s.Append($"<p><i>… {TotalRows - Rows.Count} more rows ({TotalRows} in all)</i></p>");
        return s.ToString();
    }

    public string ToText()
    {
        var widths = Headers.Select((h, j) => Rows.Select(r => r[j].Length).Append(h.Length).Max()).ToArray();
        var s = new StringBuilder();
        void Line(IReadOnlyList<string> cells) =>
            s.AppendLine(string.Join("  ", cells.Select((c, j) => c.PadLeft(widths[j]))).TrimEnd());
        Line(Headers);
        s.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in Rows) Line(row);
        if (TotalRows > Rows.Count) s.AppendLine($"… {TotalRows - Rows.Count} more rows ({TotalRows} in all)");
        return s.ToString().TrimEnd('\n');
    }
}
