using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Util;

namespace SslAnomaly.Bench;

/// <summary>
/// The benchmark's results as one JSON document (snake_case keys, rates in images per second, times in seconds).
/// Sections fill their own objects; <see cref="Write"/> stores the file atomically (temp file + rename).
/// </summary>
public sealed class BenchReport
{
    public JsonObject Root { get; } = new() { ["schema"] = 1 };

    /// <summary>The object at a dotted path ("train_step.resnet18"), created on the way.</summary>
    public JsonObject Section(string path)
    {
        var node = Root;
        foreach (var key in path.Split('.'))
        {
            if (node[key] is not JsonObject child)
            {
                child = new JsonObject();
                node[key] = child;
            }
            node = child;
        }
        return node;
    }

    /// <summary>A number at a dotted path, or null when absent or not a number.</summary>
    public double? Number(string path)
    {
        JsonNode? node = Root;
        foreach (var key in path.Split('.'))
        {
            node = node is JsonObject o ? o[key] : null;
            if (node is null) return null;
        }
        return node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
    }

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string ToJson() => Root.ToJsonString(Indented);

    public void Write(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.WriteAllText(full, ToJson() + "\n");
    }

    /// <summary>A finite double as a JSON value rounded to 4 significant digits; NaN/infinity as null.</summary>
    public static JsonNode? Num(double value, int digits = 4) =>
        double.IsFinite(value) ? JsonValue.Create(Round(value, digits)) : null;

    public static double Round(double value, int digits)
    {
        if (value == 0 || !double.IsFinite(value)) return value;
        int scale = digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
        if (scale > 15) return value;
        if (scale >= 0) return Math.Round(value, scale);
        double unit = Math.Pow(10, -scale);
        return Math.Round(value / unit) * unit;
    }

    /// <summary>Geometric mean of positive finite values; NaN when there are none.</summary>
    public static double GeometricMean(IEnumerable<double> values)
    {
        var usable = values.Where(v => double.IsFinite(v) && v > 0).ToList();
        return usable.Count == 0 ? double.NaN : Math.Exp(usable.Average(Math.Log));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
