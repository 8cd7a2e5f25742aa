using System.Globalization;
using System.Text;

namespace SslAnomaly.Data;

/// <summary>
/// Reads and writes Sewer-ML annotation files (<c>SewerML_Train.csv</c>, <c>SewerML_Val.csv</c>, ...) by
/// column name, as the official loader does. Columns: <c>Filename</c>, the 17 codes, <c>VA</c>, <c>ND</c>,
/// <c>Defect</c>, <c>WaterLevel</c>; unknown extra columns are ignored. Every check fails with a
/// <see cref="UserInputException"/> naming the file, the line and the column. <c>VA</c> and <c>ND</c> are
/// checked to be 0/1 when present but not cross-checked: the task's label is <c>Defect</c>, which must
/// equal "any of the 17 codes".
/// </summary>
public static class SewerMlCsv
{
    /// <summary>Sewer-ML's column order, used when we write files (the embedded dataset).</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        SewerMlCodes.FilenameColumn, .. SewerMlCodes.Codes, SewerMlCodes.WaterLevelAnnotationColumn,
        SewerMlCodes.NonDefectiveColumn, SewerMlCodes.DefectColumn, SewerMlCodes.WaterLevelColumn,
    ];

    /// <summary>Columns that must be present whenever labels are read.</summary>
    public static readonly IReadOnlyList<string> LabelColumns = [.. SewerMlCodes.Codes, SewerMlCodes.DefectColumn];

    /// <summary>
    /// Reads an annotation file. With <paramref name="requireLabels"/> the 17 codes and <c>Defect</c> must be
    /// present; without, a file with only <c>Filename</c> is accepted (the test split), but a file that
    /// carries some label columns must carry all of them.
    /// </summary>
    public static SewerMlTable Read(string path, bool requireLabels)
    {
        using var csv = CsvReader.Open(path);
        if (!csv.TryRead(out var header))
            throw new UserInputException($"{path}: the file is empty (expected a header line with {SewerMlCodes.FilenameColumn}, the 17 codes and {SewerMlCodes.DefectColumn})");
        var columns = HeaderIndex(path, header);

        int filenameCol = Required(SewerMlCodes.FilenameColumn);
        bool anyLabel = LabelColumns.Any(columns.ContainsKey);
        bool readLabels = requireLabels || anyLabel;
        int[] codeCols = [];
        int defectCol = -1;
        if (readLabels)
        {
            var missing = LabelColumns.Where(c => !columns.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                throw new UserInputException($"{path}: missing required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}" +
                    (requireLabels ? " (labels are required here)" : " (the file has some label columns, so it needs all of them)"));
            codeCols = SewerMlCodes.Codes.Select(c => columns[c]).ToArray();
            defectCol = columns[SewerMlCodes.DefectColumn];
        }
        int waterCol = columns.GetValueOrDefault(SewerMlCodes.WaterLevelColumn, -1);
        int[] flagCols = new[] { SewerMlCodes.WaterLevelAnnotationColumn, SewerMlCodes.NonDefectiveColumn }
            .Where(columns.ContainsKey).Select(c => columns[c]).ToArray();

        var filenames = new List<string>();
        var lines = new List<long>();
        var defect = new List<bool>();
        var codes = new List<bool[]>();
        var water = new List<int>();
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        while (csv.TryRead(out var record))
        {
            var f = record.Fields;
            if (f.Length != header.Fields.Length)
                throw new UserInputException($"{path}:{record.Line}: {f.Length} fields, but the header has {header.Fields.Length}");
            var name = f[filenameCol].Trim();
            if (SafeFilename.Problem(name) is { } problem)
                throw new UserInputException($"{path}:{record.Line}: column '{SewerMlCodes.FilenameColumn}': '{name}' rejected: {problem}");
            if (!firstLine.TryAdd(name, record.Line))
                throw new UserInputException($"{path}:{record.Line}: duplicate filename '{name}' (first on line {firstLine[name]})");
            filenames.Add(name);
            lines.Add(record.Line);

            if (readLabels)
            {
                var row = new bool[codeCols.Length];
                for (int k = 0; k < codeCols.Length; k++) row[k] = Binary(path, record, header, codeCols[k]);
                var d = Binary(path, record, header, defectCol);
                if (d != row.Contains(true))
                {
                    var set = SewerMlCodes.Codes.Where((_, k) => row[k]).ToList();
                    throw new UserInputException($"{path}:{record.Line}: column '{SewerMlCodes.DefectColumn}' is {(d ? 1 : 0)} but " +
                        (set.Count == 0 ? "none of the 17 defect codes is 1" : $"defect code(s) {string.Join(", ", set)} are 1"));
                }
                codes.Add(row);
                defect.Add(d);
            }
            foreach (var col in flagCols) Binary(path, record, header, col);
            if (waterCol >= 0) water.Add(WaterLevel(path, record, header, waterCol));
        }

        bool[,]? matrix = null;
        if (readLabels)
        {
            matrix = new bool[codes.Count, SewerMlCodes.Codes.Count];
            for (int i = 0; i < codes.Count; i++)
                for (int k = 0; k < SewerMlCodes.Codes.Count; k++) matrix[i, k] = codes[i][k];
        }
        return new SewerMlTable(path, [.. filenames], readLabels ? [.. defect] : null, matrix, waterCol >= 0 ? [.. water] : null) { SourceLines = [.. lines] };

        int Required(string column) => columns.TryGetValue(column, out var i)
            ? i
            : throw new UserInputException($"{path}: missing required column '{column}'");
    }

    static Dictionary<string, int> HeaderIndex(string path, CsvRecord header)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Fields.Length; i++)
        {
            var name = header.Fields[i].Trim();
            // pandas writes an unnamed index column; several of those are fine, named duplicates are not.
            if (name.Length == 0) continue;
            if (!columns.TryAdd(name, i))
                throw new UserInputException($"{path}:{header.Line}: column '{name}' appears twice in the header");
        }
        return columns;
    }

    static bool Binary(string path, CsvRecord record, CsvRecord header, int col)
    {
        var v = record.Fields[col].AsSpan().Trim();
        if (v.SequenceEqual("1")) return true;
        if (v.SequenceEqual("0")) return false;
        throw new UserInputException($"{path}:{record.Line}: column '{header.Fields[col].Trim()}': value '{record.Fields[col]}' is not 0 or 1");
    }

    static int WaterLevel(string path, CsvRecord record, CsvRecord header, int col)
    {
        var v = record.Fields[col].Trim();
        if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) && level is >= 0 and <= 100)
            return level;
        throw new UserInputException($"{path}:{record.Line}: column '{header.Fields[col].Trim()}': value '{record.Fields[col]}' is not a whole percentage 0..100");
    }

    /// <summary>One row to write: the codes in <see cref="SewerMlCodes.Codes"/> order.</summary>
    public readonly record struct Row(string Filename, bool[] Codes, bool WaterLevelAnnotation, int WaterLevel);

    /// <summary>
    /// Writes rows in Sewer-ML's column order; <c>Defect</c> is derived from the codes and <c>ND</c> is its
    /// complement, so the file always passes <see cref="Read"/>. LF line ends, no BOM: byte-stable.
    /// </summary>
    public static string Format(IEnumerable<Row> rows)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Columns)).Append('\n');
        foreach (var row in rows)
        {
            if (row.Codes.Length != SewerMlCodes.Codes.Count) throw new ArgumentException($"{row.Filename}: expected {SewerMlCodes.Codes.Count} codes");
            var defect = row.Codes.Contains(true);
            sb.Append(CsvReader.Escape(row.Filename));
            foreach (var c in row.Codes) sb.Append(c ? ",1" : ",0");
            sb.Append(row.WaterLevelAnnotation ? ",1" : ",0");
            sb.Append(defect ? ",0,1," : ",1,0,");
            sb.Append(row.WaterLevel.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }
}
