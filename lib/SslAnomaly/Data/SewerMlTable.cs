namespace SslAnomaly.Data;

/// <summary>
/// One Sewer-ML annotation file in memory: filenames in file order, and (when the file carries labels)
/// the binary <c>Defect</c> label, the 17-code multi-label matrix (for F2_CIW) and <c>WaterLevel</c>.
/// Row i of every array describes <see cref="Filenames"/>[i].
/// </summary>
public sealed class SewerMlTable
{
    Dictionary<string, int>? index;

    public SewerMlTable(string sourcePath, string[] filenames, bool[]? defect, bool[,]? codes, int[]? waterLevel)
    {
        if (defect is not null && defect.Length != filenames.Length) throw new ArgumentException("one Defect label per filename", nameof(defect));
        if (codes is not null && (codes.GetLength(0) != filenames.Length || codes.GetLength(1) != SewerMlCodes.Codes.Count))
            throw new ArgumentException($"codes must be [{filenames.Length}, {SewerMlCodes.Codes.Count}]", nameof(codes));
        if ((defect is null) != (codes is null)) throw new ArgumentException("Defect and the codes come together");
        if (waterLevel is not null && waterLevel.Length != filenames.Length) throw new ArgumentException("one WaterLevel per filename", nameof(waterLevel));
        SourcePath = sourcePath;
        Filenames = filenames;
        DefectLabels = defect;
        CodeMatrix = codes;
        WaterLevels = waterLevel;
    }

    /// <summary>The CSV this table was read from (for messages and manifests).</summary>
    public string SourcePath { get; }

    /// <summary>The CSV line of each row (1-based, the header is line 1), when read from a file.</summary>
    public long[]? SourceLines { get; init; }

    /// <summary>"path:line" of a row, for messages about its image.</summary>
    public string RowLocation(int row) => $"{SourcePath}:{(SourceLines is { } lines ? lines[row] : row + 2)}";

    public IReadOnlyList<string> Filenames { get; }

    public int Count => Filenames.Count;

    /// <summary>False for a test split that carries only <c>Filename</c>.</summary>
    public bool HasLabels => DefectLabels is not null;

    bool[]? DefectLabels { get; }
    bool[,]? CodeMatrix { get; }
    int[]? WaterLevels { get; }

    /// <summary>Binary label per row: true = defective (any of the 17 codes).</summary>
    public bool[] Defect => DefectLabels ?? throw NoLabels();

    /// <summary>Multi-label matrix [row, code] in <see cref="SewerMlCodes.Codes"/> order.</summary>
    public bool[,] Codes => CodeMatrix ?? throw NoLabels();

    /// <summary>Water level in percent per row, or null when the file has no <c>WaterLevel</c> column.</summary>
    public int[]? WaterLevel => WaterLevels;

    public int DefectCount => Defect.Count(d => d);

    public int NormalCount => Count - DefectCount;

    /// <summary>Row of a filename, or -1.</summary>
    public int IndexOf(string filename)
    {
        index ??= Filenames.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
        return index.TryGetValue(filename, out var i) ? i : -1;
    }

    /// <summary>The rows for these filenames, in the given order; unknown names are an error that lists a few.</summary>
    public int[] RowsOf(IReadOnlyList<string> filenames)
    {
        var rows = new int[filenames.Count];
        var missing = new List<string>();
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = IndexOf(filenames[i]);
            if (rows[i] < 0) missing.Add(filenames[i]);
        }
        if (missing.Count > 0)
            throw new UserInputException($"{SourcePath}: {missing.Count} filename(s) not found, e.g. {string.Join(", ", missing.Take(5))}");
        return rows;
    }

    /// <summary>A table with just these rows, in this order (e.g. a manifest's subset of a split).</summary>
    public SewerMlTable Subset(IReadOnlyList<int> rows)
    {
        var names = rows.Select(r => Filenames[r]).ToArray();
        if (!HasLabels) return new SewerMlTable(SourcePath, names, null, null, Take(WaterLevels)) { SourceLines = Take(SourceLines) };
        var codes = new bool[rows.Count, SewerMlCodes.Codes.Count];
        for (int i = 0; i < rows.Count; i++)
            for (int k = 0; k < codes.GetLength(1); k++)
                codes[i, k] = CodeMatrix![rows[i], k];
        return new SewerMlTable(SourcePath, names, Take(DefectLabels), codes, Take(WaterLevels)) { SourceLines = Take(SourceLines) };

        T[]? Take<T>(T[]? source) => source is null ? null : rows.Select(r => source[r]).ToArray();
    }

    UserInputException NoLabels() => new($"{SourcePath} has no labels (only {SewerMlCodes.FilenameColumn}); a labelled split is needed here");
}
