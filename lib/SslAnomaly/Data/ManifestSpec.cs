using System.Globalization;
using System.Text.Json;

namespace SslAnomaly.Data;

/// <summary>
/// How to make a manifest: split, defect share (null = natural split), size (null = as large as the share
/// allows, or the whole split when natural), seed, and optionally the SHA-256 the source CSV must have.
/// The specs in data-manifests/ describe the paper's Sewer-ML subsets; materialising one against a user's
/// copy gives the same manifest everywhere the CSV is the same.
/// </summary>
public sealed record ManifestSpec(string? Name, SewerMlSplit Split, double? DefectPct, int? Size, long Seed, string? ExpectedCsvSha256 = null)
{
    /// <summary>Builds the manifest from an already-read table whose CSV hashes to <paramref name="csvSha256"/>.</summary>
    public Manifest Materialise(SewerMlTable table, string csvSha256)
    {
        if (ExpectedCsvSha256 is { } expected && !string.Equals(expected, csvSha256, StringComparison.OrdinalIgnoreCase))
            throw new UserInputException(
                $"{table.SourcePath} has SHA-256 {csvSha256}, but {(Name is null ? "this subset" : $"subset '{Name}'")} expects {expected}: " +
                "a different copy or version of the annotations would give different images");
        if (Seed < 0) throw new UserInputException($"seed must be non-negative, not {Seed}");
        int[] rows;
        if (DefectPct is { } pct)
        {
            var size = Size ?? ImbalancedSubset.MaxSize(table.DefectCount, table.NormalCount, pct);
            rows = ImbalancedSubset.Select(table, pct, size, Seed);
        }
        else
        {
            rows = ImbalancedSubset.Natural(table, Size, Seed);
        }
        return Manifest.FromRows(table, rows, Name, Split, DefectPct, Seed, csvSha256);
    }

    /// <summary>Reads the split's CSV under a data root, checks its hash, builds the manifest.</summary>
    public Manifest Materialise(SewerMlDataRoot root, bool verifyImages = true)
    {
        var csv = root.CsvPath(Split);
        // Sewer-ML's public test file lists filenames only; a copy with the labels (or the embedded data's) can be balanced.
        var table = SewerMlCsv.Read(csv, requireLabels: Split != SewerMlSplit.Test);
        if (!table.HasLabels)
            throw new UserInputException($"{csv} has no label columns: a manifest needs labels to balance the defect share (use a labelled copy of the test annotations)");
        var manifest = Materialise(table, FileHash.Sha256(csv));
        if (verifyImages) root.ImagePaths(Split, manifest.Filenames);
        return manifest;
    }

    /// <summary>Parses "natural" or a percentage such as "5" / "1.5" (what --defect-pct takes).</summary>
    public static double? ParseDefectPct(string value)
    {
        if (value.Trim().Equals(Manifest.ModeNatural, StringComparison.OrdinalIgnoreCase)) return null;
        var text = value.Trim().TrimEnd('%');
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) && pct is >= 0 and <= 100)
            return pct;
        throw new UserInputException($"--defect-pct must be a percentage in [0, 100] or 'natural', not '{value}'");
    }

    /// <summary>"train-05pct" for "train-05pct.spec.json".</summary>
    static string DefaultName(string path)
    {
        var file = Path.GetFileName(path);
        return file.EndsWith(".spec.json", StringComparison.OrdinalIgnoreCase) ? file[..^".spec.json".Length] : Path.GetFileNameWithoutExtension(file);
    }

    public static ManifestSpec Read(string path)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(File.ReadAllBytes(path)).RootElement; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UserInputException($"manifest spec {path}: {e.Message}", e);
        }
        try
        {
            var pct = root.GetProperty("defect_pct");
            var size = root.TryGetProperty("size", out var s) && s.ValueKind != JsonValueKind.Null ? s.GetInt32() : (int?)null;
            var sha = root.TryGetProperty("expected_csv_sha256", out var e) && e.ValueKind != JsonValueKind.Null ? e.GetString() : null;
            if (sha is not null && !FileHash.IsSha256Hex(sha.ToLowerInvariant()))
                throw new UserInputException($"manifest spec {path}: 'expected_csv_sha256' is not a SHA-256 hex string");
            return new ManifestSpec(
                root.TryGetProperty("name", out var n) ? n.GetString() : DefaultName(path),
                SewerMlSplits.Parse(root.GetProperty("split").GetString() ?? ""),
                pct.ValueKind switch
                {
                    JsonValueKind.Number => pct.GetDouble(),
                    JsonValueKind.String => ParseDefectPct(pct.GetString()!),
                    _ => null,
                },
                size,
                root.TryGetProperty("seed", out var seed) ? seed.GetInt64() : 0,
                sha?.ToLowerInvariant());
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"manifest spec {path}: needs \"split\", \"defect_pct\" (number or \"natural\"), optional \"size\", \"seed\", \"expected_csv_sha256\" ({e.Message})", e);
        }
    }
}
