using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using SslAnomaly.Methods;

namespace SslAnomaly.Reporting;

/// <summary>One cell of Table 1: our value (mean over seeds) beside the paper's.</summary>
public sealed record Table1Row(string Metric, string Method, string Backbone, double TrainDefectPct, double? Ours, int Runs, double? Paper)
{
    public double? Difference => Ours is not null && Paper is not null ? Ours - Paper : null;
}

/// <summary>
/// Table 1 of the paper: F1, F2_CIW and F1_Normal per method x backbone x train defect share, measured
/// on the unmodified validation split ("natural", as the paper validates on the benchmark's balance),
/// with the published numbers side by side.
/// </summary>
public static class Table1
{
    public static readonly IReadOnlyList<string> Metrics = ["f1", "f2_ciw", "f1_normal"];
    /// <summary>The paper's row order (its reference CSV), then methods the paper does not have, in registry order.</summary>
    public static readonly IReadOnlyList<string> MethodOrder =
        PaperReference.Table1().Select(v => v.Method).Concat(MethodRegistry.Names).Distinct().ToList();

    public static IReadOnlyList<Table1Row> Build(IReadOnlyList<RunSummary> runs, string valKey = "natural")
    {
        var paper = PaperReference.Table1().ToDictionary(v => (v.Metric, v.Method, v.Backbone, v.TrainDefectPct), v => v.Value);
        var keys = runs.Where(r => r.Status == "completed").Select(r => (r.Method, r.Backbone, r.TrainDefectPct))
            .Concat(paper.Keys.Select(k => (k.Method, k.Backbone, k.TrainDefectPct))).Distinct()
            .OrderBy(k => Order(k.Method)).ThenBy(k => k.Backbone, StringComparer.Ordinal).ThenBy(k => k.TrainDefectPct).ToList();
        var rows = new List<Table1Row>();
        foreach (var metric in Metrics)
            foreach (var (method, backbone, pct) in keys)
            {
                var ours = runs.Where(r => r.Status == "completed" && r.Method == method && r.Backbone == backbone && r.TrainDefectPct == pct)
                    .Select(r => r.Metric(valKey, metric)).Where(v => v is not null).Select(v => v!.Value).ToList();
                rows.Add(new Table1Row(metric, method, backbone, pct, ours.Count > 0 ? ours.Average() : null, ours.Count,
                    paper.TryGetValue((metric, method, backbone, pct), out var p) ? p : null));
            }
        return rows;
    }

    public static DataFrame ToDataFrame(IReadOnlyList<Table1Row> rows) => new(
        new StringDataFrameColumn("metric", rows.Select(r => r.Metric)),
        new StringDataFrameColumn("method", rows.Select(r => r.Method)),
        new StringDataFrameColumn("backbone", rows.Select(r => r.Backbone)),
        new DoubleDataFrameColumn("train_defect_pct", rows.Select(r => (double?)r.TrainDefectPct)),
        new DoubleDataFrameColumn("ours", rows.Select(r => r.Ours)),
        new Int32DataFrameColumn("runs", rows.Select(r => (int?)r.Runs)),
        new DoubleDataFrameColumn("paper", rows.Select(r => r.Paper)),
        new DoubleDataFrameColumn("difference", rows.Select(r => r.Difference)));

    public static string ToCsv(IReadOnlyList<Table1Row> rows)
    {
        var s = new StringBuilder("metric,method,backbone,train_defect_pct,ours,runs,paper,difference\n");
        foreach (var r in rows)
            s.Append(CultureInfo.InvariantCulture, $"{r.Metric},{r.Method},{r.Backbone},{r.TrainDefectPct},{Num(r.Ours)},{r.Runs},{Num(r.Paper)},{Num(r.Difference)}\n");
        return s.ToString();
    }

    /// <summary>One markdown table per metric: rows method/backbone, columns train shares, cells "ours (paper)".</summary>
    public static string ToMarkdown(IReadOnlyList<Table1Row> rows)
    {
        var s = new StringBuilder();
        foreach (var metric in Metrics)
        {
            var ofMetric = rows.Where(r => r.Metric == metric).ToList();
            var shares = ofMetric.Select(r => r.TrainDefectPct).Distinct().Order().ToList();
            s.AppendLine($"### {Display(metric)}: ours (paper)");
            s.AppendLine();
            s.AppendLine("| method | backbone | " + string.Join(" | ", shares.Select(p => $"{p:0.##} %")) + " |");
            s.AppendLine("|---|---|" + string.Concat(shares.Select(_ => "---:|")));
            foreach (var g in ofMetric.GroupBy(r => (r.Method, r.Backbone)))
            {
                var cells = shares.Select(p => g.FirstOrDefault(r => r.TrainDefectPct == p) is { } r
                    ? $"{Fmt(r.Ours)} ({Fmt(r.Paper)})" : "– (–)");
                s.AppendLine($"| {g.Key.Method} | {g.Key.Backbone} | {string.Join(" | ", cells)} |");
            }
            s.AppendLine();
        }
        return s.ToString();
    }

    public static string Display(string metric) => metric switch { "f1" => "F1", "f2_ciw" => "F2_CIW", "f1_normal" => "F1_Normal", _ => metric };
    static int Order(string method) => MethodOrder.ToList().IndexOf(method) is var i && i >= 0 ? i : 99;
    static string Fmt(double? v) => v is null ? "–" : v.Value.ToString("0.000", CultureInfo.InvariantCulture);
    static string Num(double? v) => v is null ? "" : v.Value.ToString("R", CultureInfo.InvariantCulture);
}
