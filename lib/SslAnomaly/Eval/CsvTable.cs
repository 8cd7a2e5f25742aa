using System.Globalization;
using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>
/// A comma-separated table read by column name, with errors that name the file, line and column. Parsing is
/// <see cref="CsvReader"/>'s (RFC 4180: BOM, CRLF, quoted fields with commas, quotes or line breaks), which covers
/// the Sewer-ML annotation files and prediction files written by pandas or by us.
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
        using var csv = CsvReader.Open(path);
        if (!csv.TryRead(out var header)) throw new UserInputException($"{path}: the file is empty (expected a header line).");
        var columns = header.Fields.Select(c => c.Trim()).ToArray();
        var duplicate = columns.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserInputException($"{path}: column '{duplicate.Key}' appears twice in the header.");

        var rows = new List<(int, string[])>();
        foreach (var record in csv.ReadAll())
        {
            if (record.Fields.Length != columns.Length)
                throw new UserInputException($"{path} line {record.Line}: {record.Fields.Length} fields, but the header has {columns.Length} columns.");
            rows.Add(((int)record.Line, record.Fields));
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
}
