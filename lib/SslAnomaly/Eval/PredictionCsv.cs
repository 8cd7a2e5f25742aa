using System.Globalization;
using System.Text;
using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>A model's predictions read from a file: filenames row-aligned with their scores.</summary>
public sealed record PredictionTable(string Path, IReadOnlyList<string> Filenames, DefectScores Scores)
{
    /// <summary>The scores reordered to <paramref name="filenames"/> (the truth file's order). Every truth
    /// filename needs a prediction and every prediction a truth row; errors name the offenders.</summary>
    public DefectScores AlignTo(IReadOnlyList<string> filenames, string truthName = "the truth file")
    {
        var index = new Dictionary<string, int>(Filenames.Count, StringComparer.Ordinal);
        for (int i = 0; i < Filenames.Count; i++) index[Filenames[i]] = i;
        var missing = filenames.Where(f => !index.ContainsKey(f)).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"{Path} has no prediction for {missing.Count} image(s) of {truthName}: {Sample(missing)}.");
        var known = new HashSet<string>(filenames, StringComparer.Ordinal);
        var extra = Filenames.Where(f => !known.Contains(f)).ToList();
        if (extra.Count > 0)
            throw new UserInputException($"{Path} has {extra.Count} filename(s) that {truthName} lacks: {Sample(extra)}.");
        return Scores.Select(filenames.Select(f => index[f]).ToArray());
    }

    static string Sample(IReadOnlyList<string> names) => string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", ..." : "");
}

/// <summary>
/// Prediction files as `ssl-anomaly metrics` reads them: a <c>Filename</c> column and either one probability
/// column per Sewer-ML code (the official multi-label format; wins when all 17 are present) or a single
/// <c>Defect</c> probability column. Other columns are ignored. Probabilities must lie in [0, 1].
/// </summary>
public static class PredictionCsv
{
    public static PredictionTable Read(string path)
    {
        var table = CsvTable.Read(path);
        int filenameColumn = table.IndexOf(SewerMlCodes.FilenameColumn);
        var filenames = table.Rows.Select(r => r.Fields[filenameColumn].Trim()).ToArray();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < filenames.Length; r++)
            if (!firstLine.TryAdd(filenames[r], table.Rows[r].Line))
                throw new UserInputException($"{path}: filename '{filenames[r]}' appears twice (lines {firstLine[filenames[r]]} and {table.Rows[r].Line}).");

        var presentCodes = SewerMlCodes.Codes.Where(table.Has).ToList();
        if (presentCodes.Count == SewerMlCodes.Codes.Count)
        {
            var columns = SewerMlCodes.Codes.Select(table.IndexOf).ToArray();
            var perCode = new double[table.Rows.Count, columns.Length];
            for (int r = 0; r < table.Rows.Count; r++)
                for (int k = 0; k < columns.Length; k++)
                    perCode[r, k] = Probability(table, r, columns[k]);
            return new PredictionTable(path, filenames, DefectScores.MultiLabel(perCode));
        }
        if (table.Has(SewerMlCodes.DefectColumn))
        {
            int column = table.IndexOf(SewerMlCodes.DefectColumn);
            var p = Enumerable.Range(0, table.Rows.Count).Select(r => Probability(table, r, column)).ToArray();
            return new PredictionTable(path, filenames, DefectScores.Binary(p));
        }
        if (presentCodes.Count > 0)
            throw new UserInputException($"{path}: per-code predictions need all 17 code columns; missing {string.Join(", ", SewerMlCodes.Codes.Except(presentCodes))}.");
        throw new UserInputException($"{path}: expected a '{SewerMlCodes.DefectColumn}' probability column or one column per code ({string.Join(", ", SewerMlCodes.Codes)}).");
    }

    /// <summary>Writes binary predictions (Filename, Defect) so that any run's probe can be scored by the CLI.</summary>
    public static void WriteBinary(string path, IReadOnlyList<string> filenames, IReadOnlyList<double> defectProbability)
    {
        if (filenames.Count != defectProbability.Count) throw new ArgumentException("One probability per filename is needed.");
        var text = new StringBuilder($"{SewerMlCodes.FilenameColumn},{SewerMlCodes.DefectColumn}\n");
        for (int i = 0; i < filenames.Count; i++)
            text.Append(filenames[i]).Append(',').Append(defectProbability[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    static double Probability(CsvTable table, int row, int column)
    {
        double p = table.Number(row, column);
        if (!(p >= 0 && p <= 1))
            throw new UserInputException($"{table.Path} line {table.Rows[row].Line}, column {table.Columns[column]}: {p.ToString(CultureInfo.InvariantCulture)} is not a probability in [0, 1] (apply a sigmoid to logits).");
        return p;
    }
}
