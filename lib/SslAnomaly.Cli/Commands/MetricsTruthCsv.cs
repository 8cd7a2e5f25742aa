using SslAnomaly.Data;
using SslAnomaly.Eval;

namespace SslAnomaly.Cli.Commands;

/// <summary>
/// Minimal reader of a Sewer-ML annotation file (SewerML_Val.csv) for `ssl-anomaly metrics`: by column name,
/// Filename and the 17 codes required, Defect optional but checked against the codes, other columns ignored.
/// Stand-in until the shared Data/SewerMlCsv reader is merged; swap this one file for it then.
/// </summary>
static class MetricsTruthCsv
{
    public static TruthTable Read(string path)
    {
        var table = CsvTable.Read(path);
        int filenameColumn = table.IndexOf(SewerMlCodes.FilenameColumn);
        var codeColumns = SewerMlCodes.Codes.Select(table.IndexOf).ToArray();
        int? defectColumn = table.Has(SewerMlCodes.DefectColumn) ? table.IndexOf(SewerMlCodes.DefectColumn) : null;

        var filenames = new string[table.Rows.Count];
        var masks = new int[table.Rows.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var (line, fields) = table.Rows[r];
            filenames[r] = fields[filenameColumn].Trim();
            if (!seen.TryAdd(filenames[r], line))
                throw new UserInputException($"{path}: filename '{filenames[r]}' appears twice (lines {seen[filenames[r]]} and {line}).");
            for (int k = 0; k < codeColumns.Length; k++)
                if (Flag(table, r, codeColumns[k])) masks[r] |= 1 << k;
            if (defectColumn is int d && Flag(table, r, d) != (masks[r] != 0))
                throw new UserInputException($"{path} line {line}: Defect is {fields[d].Trim()} but the defect codes say {(masks[r] != 0 ? 1 : 0)}.");
        }
        return new TruthTable(filenames, GroundTruth.FromCodeMasks(masks));
    }

    static bool Flag(CsvTable table, int row, int column) => table.Number(row, column) switch
    {
        0 => false,
        1 => true,
        var v => throw new UserInputException($"{table.Path} line {table.Rows[row].Line}, column {table.Columns[column]}: expected 0 or 1, got {v}."),
    };
}
