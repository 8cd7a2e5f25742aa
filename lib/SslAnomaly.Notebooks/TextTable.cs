using System.Text;

namespace SslAnomaly.Notebooks;

/// <summary>
/// A rectangular table of already formatted cells, rendered as an HTML table or as aligned plain text.
/// Data frames, sequences of records and finished runs all become one of these.
/// </summary>
public sealed class TextTable(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, int totalRows)
{
    public IReadOnlyList<string> Headers { get; } = headers;
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; } = rows;
    /// <summary>Rows in the source; more than <see cref="Rows"/> when the display was cut.</summary>
    public int TotalRows { get; } = totalRows;

    const string Style = "border-collapse:collapse;font-size:90%";
    const string CellStyle = "border:1px solid #ccc;padding:2px 6px";

    /// <summary>Columns whose cells are all numbers (or empty) are right-aligned, the others left-aligned.</summary>
    bool[] NumericColumns() => Headers.Select((header, j) =>
        Rows.All(r => r[j].Length == 0 || double.TryParse(r[j], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))).ToArray();

    public string ToHtml()
    {
        var numeric = NumericColumns();
        string Align(int j) => numeric[j] ? "right" : "left";
        var s = new StringBuilder();
        s.Append($"<table class=\"ssl-table\" style=\"{Style}\"><thead><tr>");
        for (int j = 0; j < Headers.Count; j++) s.Append($"<th style=\"{CellStyle};text-align:{Align(j)};background:#eee\">{HtmlText.Encode(Headers[j])}</th>");
        s.Append("</tr></thead><tbody>");
        foreach (var row in Rows)
        {
            s.Append("<tr>");
            for (int j = 0; j < row.Count; j++) s.Append($"<td style=\"{CellStyle};text-align:{Align(j)}\">{HtmlText.Encode(row[j])}</td>");
            s.Append("</tr>");
        }
        s.Append("</tbody></table>");
        if (TotalRows > Rows.Count) s.Append($"<p><i>… {TotalRows - Rows.Count} more rows ({TotalRows} in all)</i></p>");
        return s.ToString();
    }

    public string ToText()
    {
        var widths = Headers.Select((h, j) => Rows.Select(r => r[j].Length).Append(h.Length).Max()).ToArray();
        var numeric = NumericColumns();
        var s = new StringBuilder();
        void Line(IReadOnlyList<string> cells) =>
            s.AppendLine(string.Join("  ", cells.Select((c, j) => numeric[j] ? c.PadLeft(widths[j]) : c.PadRight(widths[j]))).TrimEnd());
        Line(Headers);
        s.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in Rows) Line(row);
        if (TotalRows > Rows.Count) s.AppendLine($"… {TotalRows - Rows.Count} more rows ({TotalRows} in all)");
        return s.ToString().TrimEnd('\n');
    }
}
