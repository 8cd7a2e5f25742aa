using SslAnomaly.Util;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SslAnomaly.Data;

/// <summary>
/// A fixed list of images of one split with their binary labels, plus how it was made (source CSV and its
/// SHA-256, share, size, seed, generator version). Runs record the manifest file's own SHA-256, so a result
/// names exactly the images it was trained or evaluated on. Files are written byte-stably (same inputs,
/// same bytes) and atomically.
/// </summary>
public sealed class Manifest
{
    public const string Format = "ssl-anomaly-manifest";
    /// <summary>Bump when the selection algorithm changes: old manifests stay valid, new ones differ.</summary>
    public const int GeneratorVersion = 1;
    public const string ModeControlled = "controlled";
    public const string ModeNatural = "natural";

    public Manifest(string? name, SewerMlSplit split, double? defectPct, long seed, string sourceCsv, string sourceCsvSha256,
        IReadOnlyList<string> filenames, IReadOnlyList<bool> labels, int generatorVersion = GeneratorVersion)
    {
        if (filenames.Count != labels.Count) throw new ArgumentException("one label per filename");
        Name = name;
        Split = split;
        DefectPct = defectPct;
        Seed = seed;
        SourceCsv = sourceCsv;
        SourceCsvSha256 = sourceCsvSha256;
        Filenames = filenames;
        Labels = labels;
        Version = generatorVersion;
    }

    public string? Name { get; }
    public SewerMlSplit Split { get; }
    /// <summary>The requested share in percent, or null for the natural (unresampled) split.</summary>
    public double? DefectPct { get; }
    public string Mode => DefectPct is null ? ModeNatural : ModeControlled;
    public long Seed { get; }
    public string SourceCsv { get; }
    public string SourceCsvSha256 { get; }
    public int Version { get; }
    public IReadOnlyList<string> Filenames { get; }
    /// <summary>True = defective.</summary>
    public IReadOnlyList<bool> Labels { get; }
    public int Size => Filenames.Count;
    public int DefectCount => Labels.Count(l => l);
    public double ActualDefectPct => Size == 0 ? 0 : 100.0 * DefectCount / Size;

    /// <summary>SHA-256 of the file this manifest was read from or last written to (what runs record).</summary>
    public string? Sha256 { get; private set; }

    /// <summary>The selected rows of a table as a manifest.</summary>
    public static Manifest FromRows(SewerMlTable table, IReadOnlyList<int> rows, string? name, SewerMlSplit split, double? defectPct, long seed, string csvSha256) =>
        new(name, split, defectPct, seed, Path.GetFileName(table.SourcePath), csvSha256,
            rows.Select(r => table.Filenames[r]).ToArray(), rows.Select(r => table.Defect[r]).ToArray());

    public string ToJson()
    {
        var sb = new StringBuilder();
        sb.Append("{\n");
        Field("format", Str(Format));
        Field("generator_version", Version.ToString(CultureInfo.InvariantCulture));
        Field("name", Name is null ? "null" : Str(Name));
        Field("split", Str(Split.Id()));
        Field("mode", Str(Mode));
        Field("defect_pct", DefectPct is { } p ? p.ToString("R", CultureInfo.InvariantCulture) : "null");
        Field("size", Size.ToString(CultureInfo.InvariantCulture));
        Field("defects", DefectCount.ToString(CultureInfo.InvariantCulture));
        Field("normals", (Size - DefectCount).ToString(CultureInfo.InvariantCulture));
        Field("seed", Seed.ToString(CultureInfo.InvariantCulture));
        Field("source_csv", Str(SourceCsv));
        Field("source_csv_sha256", Str(SourceCsvSha256));
        // One [filename, label] pair per line: compact, diff-friendly, still plain JSON.
        sb.Append("  \"items\": [");
        for (int i = 0; i < Size; i++)
            sb.Append(i == 0 ? "\n    [" : ",\n    [").Append(Str(Filenames[i])).Append(Labels[i] ? ", 1]" : ", 0]");
        sb.Append(Size == 0 ? "]\n}\n" : "\n  ]\n}\n");
        return sb.ToString();

        void Field(string key, string value) => sb.Append("  \"").Append(key).Append("\": ").Append(value).Append(",\n");
    }

    static string Str(string s) => JsonSerializer.Serialize(s, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Writes atomically (temp file + rename) and returns the file's SHA-256.</summary>
    public string Write(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(ToJson());
        AtomicFile.WriteAllBytes(path, bytes);
        Sha256 = FileHash.Sha256(bytes);
        return Sha256;
    }

    /// <summary>Reads and validates a manifest file; errors name the file and what is wrong.</summary>
    public static Manifest Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"manifest {path}: {e.Message}", e);
        }
        JsonElement root;
        try { root = JsonDocument.Parse(bytes).RootElement; }
        catch (JsonException e) { throw new UserInputException($"manifest {path}: not valid JSON: {e.Message}", e); }

        string Text(string key) => Get(key).ValueKind == JsonValueKind.String ? Get(key).GetString()! : throw Bad($"'{key}' must be a string");
        JsonElement Get(string key) => root.TryGetProperty(key, out var v) ? v : throw Bad($"missing '{key}'");
        UserInputException Bad(string what) => new($"manifest {path}: {what}");

        try
        {
            return Parse();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw Bad($"malformed: {e.Message}");
        }

        Manifest Parse()
        {
        if (root.ValueKind != JsonValueKind.Object || Text("format") != Format) throw Bad($"not a manifest (expected \"format\": \"{Format}\")");
        var version = Get("generator_version").GetInt32();
        var pct = Get("defect_pct");
        var items = Get("items");
        var names = new List<string>();
        var labels = new List<bool>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2 || item[0].ValueKind != JsonValueKind.String || item[1].ValueKind != JsonValueKind.Number)
                throw Bad($"item {names.Count} must be [filename, 0|1]");
            var name = item[0].GetString()!;
            if (SafeFilename.Problem(name) is { } problem) throw Bad($"filename '{name}' rejected: {problem}");
            if (!seen.Add(name)) throw Bad($"duplicate filename '{name}'");
            var label = item[1].GetInt32();
            if (label is not (0 or 1)) throw Bad($"label of '{name}' is {label}, not 0 or 1");
            names.Add(name);
            labels.Add(label == 1);
        }
        var sha = Text("source_csv_sha256");
        if (!FileHash.IsSha256Hex(sha)) throw Bad("'source_csv_sha256' is not a SHA-256 hex string");
        var manifest = new Manifest(
            root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null,
            SewerMlSplits.Parse(Text("split")),
            pct.ValueKind == JsonValueKind.Null ? null : pct.GetDouble(),
            Get("seed").GetInt64(), Text("source_csv"), sha, names, labels, version);
        if (Get("size").GetInt32() != manifest.Size) throw Bad($"'size' says {Get("size").GetInt32()} but there are {manifest.Size} items");
        if (root.TryGetProperty("defects", out var d) && d.GetInt32() != manifest.DefectCount)
            throw Bad($"'defects' says {d.GetInt32()} but {manifest.DefectCount} items are labelled 1");
        manifest.Sha256 = FileHash.Sha256(bytes);
        return manifest;
        }
    }

    /// <summary>Checks that a data root's annotation file is the one this manifest was made from.</summary>
    public void VerifySource(SewerMlDataRoot root)
    {
        var csv = root.CsvPath(Split);
        var actual = FileHash.Sha256(csv);
        if (actual != SourceCsvSha256)
            throw new UserInputException($"{csv} has SHA-256 {actual}, but the manifest{(Name is null ? "" : $" '{Name}'")} was made from {SourceCsv} with SHA-256 {SourceCsvSha256}: a different copy or version of the data");
    }
}
