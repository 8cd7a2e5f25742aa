using System.Globalization;
using System.Text;

namespace SslAnomaly.Eval;

/// <summary>
/// A small comma-separated table read by column name, with errors that name the file, line and column.
/// Handles a UTF-8 BOM, CRLF line ends and double-quoted fields (no line breaks inside fields), which
/// covers the Sewer-ML annotation files and prediction files written by pandas or by us.
/// </summary>
public sealed class CsvTable
{
    CsvTable(string path, string[] columns, List<(int Line, string[] Fields)> rows)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
    }

    public string Path { get; }
    public IReadOnlyList<string> Columns { get; }
    /// <summary>Data rows with their 1-based line numbers in the file (the header is line 1).</summary>
    public IReadOnlyList<(int Line, string[] Fields)> Rows { get; }

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found.");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var header = reader.ReadLine() ?? throw new UserInputException($"{path}: the file is empty (expected a header line).");
        var columns = Split(header, path, 1).Select(c => c.Trim()).ToArray();
        var duplicate = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserInputException($"{path}: column '{duplicate.Key}' appears twice in the header.");

        var rows = new List<(int, string[])>();
        int line = 1;
        for (string? text; (text = reader.ReadLine()) is not null;)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = Split(text, path, line);
            if (fields.Length != columns.Length)
                throw new UserInputException($"{path} line {line}: {fields.Length} fields, but the header has {columns.Length} columns.");
            rows.Add((line, fields));
        }
        return new CsvTable(path, columns, rows);
    }

    public bool Has(string column) => Columns.Contains(column);

    /// <summary>Index of a required column.</summary>
    public int IndexOf(string column)
    {
        for (int i = 0; i < Columns.Count; i++)
            if (Columns[i] == column) return i;
        throw new UserInputException($"{Path}: required column '{column}' is missing (columns: {string.Join(", ", Columns)}).");
    }

    /// <summary>A number in a cell, parsed with the invariant culture.</summary>
    public double Number(int row, int column)
    {
        var (line, fields) = Rows[row];
        var text = fields[column].Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new UserInputException($"{Path} line {line}, column {Columns[column]}: '{text}' is not a number.");
        return value;
    }

    static string[] Split(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) throw new UserInputException($"{path} line {lineNumber}: unterminated quoted field.");
        fields.Add(field.ToString());
        return fields.ToArray();
    }
}
