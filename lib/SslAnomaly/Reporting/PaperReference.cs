using System.Globalization;
using SslAnomaly.Methods;

namespace SslAnomaly.Reporting;

/// <summary>One published number of the paper's Table 1.</summary>
public sealed record PaperTable1Value(string Metric, string Method, string Backbone, double TrainDefectPct, double Value);

/// <summary>
/// The paper's published numbers, shipped inside the library as data (Table 1, Table 2, Figure 2), with
/// the paper's method/backbone names mapped onto ours (BarlowTwins -> barlow, ResNet18 -> resnet18, ...).
/// </summary>
public static class PaperReference
{
    public static IReadOnlyList<PaperTable1Value> Table1() =>
        ReadCsv("paper-table1.csv")
            .Where(r => r["value"].Length > 0)
            .Select(r => new PaperTable1Value(MetricKey(r["metric"]), MethodKey(r["method"]), BackboneKey(r["backbone"]),
                Parse(r["train_defect_pct"]), Parse(r["value"])))
            .ToList();

    /// <summary>Best validation F1 by resolution (Table 2): (backbone, resolution) -> F1.</summary>
    public static IReadOnlyList<(string Backbone, int Resolution, double F1)> Table2() =>
        ReadCsv("paper-table2-resolution.csv")
            .Select(r => (BackboneKey(r["backbone"]), int.Parse(r["resolution"], CultureInfo.InvariantCulture), Parse(r["best_val_f1"])))
            .ToList();

    /// <summary>Figure 2 (ResNet-18 F1 x100 over train % x val %): rows of (method, train %, val % -> F1 in [0, 1]).</summary>
    public static IReadOnlyList<(string Method, double TrainDefectPct, IReadOnlyDictionary<string, double> F1ByVal)> Figure2() =>
        ReadCsv("paper-figure2-resnet18-f1-heatmap.csv")
            .Select(r => (MethodKey(r["method"]), Parse(r["train_defect_pct"]),
                (IReadOnlyDictionary<string, double>)r.Where(kv => kv.Key.StartsWith("val_") && kv.Value.Length > 0)
                    .ToDictionary(kv => kv.Key["val_".Length..], kv => Parse(kv.Value) / 100.0)))
            .ToList();

    public static string MethodKey(string paperName) => MethodRegistry.FromPaperName(paperName);

    public static string BackboneKey(string paperName) => paperName.ToLowerInvariant() switch
    {
        "resnet18" or "resnet-18" => "resnet18",
        "vittiny" or "vit-tiny" or "vit-t" => "vit-tiny",
        var other => other,
    };

    /// <summary>F1 -> f1, F2_CIW -> f2_ciw, F1_Normal -> f1_normal (result.json's metric keys).</summary>
    public static string MetricKey(string paperName) => paperName.ToLowerInvariant();

    static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Reads an embedded CSV (comment lines start with '#') into header-keyed rows.</summary>
    static List<Dictionary<string, string>> ReadCsv(string name)
    {
        using var stream = typeof(PaperReference).Assembly.GetManifestResourceStream($"SslAnomaly.Reference.{name}")
            ?? throw new InvalidOperationException($"embedded reference {name} is missing from the library build");
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l =>
        {
            var cells = l.Split(',');
            return header.Select((h, i) => (h, v: i < cells.Length ? cells[i].Trim() : "")).ToDictionary(p => p.h, p => p.v);
        }).ToList();
    }
}
