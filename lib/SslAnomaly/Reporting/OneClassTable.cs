using System.Globalization;
using System.Text;
using SslAnomaly.Eval;
using SslAnomaly.Eval.OneClass;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>One detector on one reference pool in a row of <see cref="OneClassTable"/>.</summary>
/// <param name="Key">result.json's key, e.g. "knn_clean".</param>
/// <param name="Auprc">Threshold-free, comparable with the probe's AUPRC.</param>
/// <param name="F1">At the label-free threshold (docs/one-class.md, "The label-free threshold").</param>
/// <param name="BestF1">At the threshold the subset's own labels would pick: an upper bound no label-free threshold can
/// beat, never a result.</param>
public sealed record DetectorCell(string Key, DetectorKind Detector, ReferencePool Pool, MetricEstimate? Auprc, MetricEstimate? F1, double? BestF1);

/// <summary>One run of <see cref="OneClassTable"/>: its probe beside every detector and pool it ran, on one subset.</summary>
/// <param name="DefectPct">The subset's defect share in percent: AUPRC's chance level (as a fraction) on it.</param>
public sealed record OneClassRow(string Method, string Backbone, double TrainDefectPct, int Seed, double DefectPct,
    MetricEstimate? ProbeAuprc, MetricEstimate? ProbeF1, IReadOnlyList<DetectorCell> Detectors)
{
    public DetectorCell? Of(DetectorKind detector, ReferencePool pool) => Detectors.FirstOrDefault(d => d.Detector == detector && d.Pool == pool);

    /// <summary>The detector and pool with the highest AUPRC; null when none has one.</summary>
    public DetectorCell? BestByAuprc => Detectors.Where(d => d.Auprc is not null).MaxBy(d => d.Auprc!.Value);
}

/// <summary>
/// "Without defect labels": per method x backbone x train share (one row per run), the probe's AUPRC beside the kNN and
/// Mahalanobis detectors' on the clean and the contaminated reference pool (docs/one-class.md), with their intervals, on
/// the natural subset of the split the runs are read on (<see cref="RunResult.ScoredSplit"/>); then the detectors' F1 at
/// their label-free threshold, and apart from it the best-threshold F1, an upper bound. AUPRC is the comparison that
/// needs no threshold: the probe's F1 rests on a threshold learnt from labels, a detector's on one chosen without them.
/// </summary>
public static class OneClassTable
{
    public const string CsvFile = "one-class.csv", MarkdownFile = "one-class.md";

    /// <summary>Detector x pool in the order every table and figure shows them (result.json's keys).</summary>
    public static readonly IReadOnlyList<(DetectorKind Detector, ReferencePool Pool)> Columns =
        [.. from d in Enum.GetValues<DetectorKind>() from p in Enum.GetValues<ReferencePool>() select (d, p)];

    public const string Legend =
        "AUPRC is threshold-free; its chance level is the subset's defect share (the \"chance\" column). clean: the detector learns from the " +
        "probe set's normals (defect labels used only to drop defects); contaminated: from the probe set as it is, its defects hidden among " +
        "the normals (no label at all). F1 is at the label-free threshold (the 95 % quantile of held-out reference scores); the best-threshold " +
        "F1 is what the subset's own labels would pick: an upper bound, not a result. [lo, hi]: 95 % bootstrap interval over the subset's images.";

    /// <summary>The runs in the paper's setting (<see cref="Table1.PaperSetting"/>) that ran the study, read at <paramref name="key"/>.</summary>
    public static IReadOnlyList<OneClassRow> Build(IReadOnlyList<RunResult> runs, string key = ImbalanceGrid.NaturalKey) =>
        Table1.PaperSetting(runs).Where(r => r.IsCompleted && r.OneClass is { Count: > 0 })
            .OrderBy(r => Table1.MethodOrder.ToList().IndexOf(r.Method) is var i && i >= 0 ? i : 99)
            .ThenBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Backbone, StringComparer.Ordinal).ThenBy(r => r.TrainDefectPct).ThenBy(r => r.Seed)
            .Select(r => Row(r, key)).ToList();

    public static OneClassRow Row(RunResult run, string key = ImbalanceGrid.NaturalKey)
    {
        var detectors = new List<DetectorCell>();
        foreach (var (detector, pool) in Columns)
        {
            var name = OneClassNames.Key(detector, pool);
            if (run.OneClass is null || !run.OneClass.TryGetValue(name, out var report)) continue;
            var metrics = report.Metrics.TryGetValue(key, out var m) ? m : null;
            detectors.Add(new DetectorCell(name, detector, pool, MetricEstimate.Of(metrics, "auprc"), MetricEstimate.Of(metrics, "f1"),
                report.BestF1.TryGetValue(key, out var best) ? best.F1 : null));
        }
        double defectPct = run.Metrics.TryGetValue(key, out var probe) ? probe.DefectPct
            : run.OneClass?.Values.Select(r => r.Metrics.TryGetValue(key, out var d) ? d.DefectPct : (double?)null).FirstOrDefault(d => d is not null) ?? double.NaN;
        return new OneClassRow(run.Method, run.Backbone, run.TrainDefectPct, run.Seed, defectPct,
            MetricEstimate.Of(run, key, "auprc"), MetricEstimate.Of(run, key, "f1"), detectors);
    }

    /// <summary>"knn, clean pool".</summary>
    public static string Display(DetectorKind detector, ReferencePool pool) => $"{OneClassNames.Of(detector)}, {OneClassNames.Of(pool)}";

    public static string ToCsv(IReadOnlyList<OneClassRow> rows)
    {
        var s = new StringBuilder("method,backbone,train_defect_pct,seed,defect_pct,probe_auprc,probe_auprc_low,probe_auprc_high,probe_f1,probe_f1_low,probe_f1_high");
        foreach (var (detector, pool) in Columns)
        {
            var k = OneClassNames.Key(detector, pool);
            s.Append(CultureInfo.InvariantCulture, $",{k}_auprc,{k}_auprc_low,{k}_auprc_high,{k}_f1,{k}_f1_low,{k}_f1_high,{k}_best_f1");
        }
        s.Append('\n');
        foreach (var r in rows)
        {
            s.Append(CultureInfo.InvariantCulture, $"{r.Method},{r.Backbone},{Num(r.TrainDefectPct)},{r.Seed},{Num(r.DefectPct)},{Cells(r.ProbeAuprc)},{Cells(r.ProbeF1)}");
            foreach (var (detector, pool) in Columns)
                s.Append(r.Of(detector, pool) is { } d ? $",{Cells(d.Auprc)},{Cells(d.F1)},{Num(d.BestF1)}" : ",,,,,,,");
            s.Append('\n');
        }
        return s.ToString();
    }

    /// <summary>Three tables: AUPRC (probe beside detectors, chance level), F1 at the label-free threshold, and the best-threshold F1 apart.</summary>
    public static string ToMarkdown(IReadOnlyList<OneClassRow> rows, string splitName)
    {
        var s = new StringBuilder();
        var columns = Columns.Where(c => rows.Any(r => r.Of(c.Detector, c.Pool) is not null)).ToList();
        string detectorHeads = string.Concat(columns.Select(c => $" {Display(c.Detector, c.Pool)} |"));
        string align = string.Concat(columns.Select(_ => "---:|"));
        string Lead(OneClassRow r) => $"| {r.Method} | {r.Backbone} | {r.TrainDefectPct.ToString("0.##", CultureInfo.InvariantCulture)} % |{(Seeds(rows) ? $" {r.Seed} |" : "")}";
        string seedHead = Seeds(rows) ? " seed |" : "", seedAlign = Seeds(rows) ? "---:|" : "";

        // The three tables share their rows' lead and detector columns; the probe's column and the chance level are in some.
        void Table(string heading, Func<OneClassRow, string>? probe, Func<DetectorCell?, string> detector, bool chance)
        {
            s.AppendLine($"### {heading} ({splitName}, natural subset)");
            s.AppendLine();
            s.AppendLine($"| method | backbone | train share |{seedHead}{(probe is null ? "" : " probe (labels) |")}{detectorHeads}{(chance ? " chance |" : "")}");
            s.AppendLine($"|---|---|---:|{seedAlign}{(probe is null ? "" : "---:|")}{align}{(chance ? "---:|" : "")}");
            foreach (var r in rows)
                s.AppendLine($"{Lead(r)}{(probe is null ? "" : $" {probe(r)} |")}{string.Concat(columns.Select(c => $" {detector(r.Of(c.Detector, c.Pool))} |"))}" +
                             (chance ? $" {Chance(r)} |" : ""));
            s.AppendLine();
        }
        Table("AUPRC without defect labels: probe beside the detectors", r => MetricEstimate.Text(r.ProbeAuprc), d => MetricEstimate.Text(d?.Auprc), chance: true);
        Table("F1 at the label-free threshold", r => MetricEstimate.Text(r.ProbeF1), d => MetricEstimate.Text(d?.F1), chance: false);
        Table("Upper bound, not a result: F1 at the best threshold the subset's own labels would pick", null, d => Fmt(d?.BestF1), chance: false);
        s.AppendLine(Legend);
        return s.ToString();
    }

    static bool Seeds(IReadOnlyList<OneClassRow> rows) => rows.Select(r => r.Seed).Distinct().Count() > 1;
    static string Chance(OneClassRow r) => double.IsFinite(r.DefectPct) ? Fmt(r.DefectPct / 100) : "–";
    static string Cells(MetricEstimate? e) => e is null ? ",," : $"{Num(e.Value)},{Num(e.Low)},{Num(e.High)}";
    static string Fmt(double? v) => v is null ? "–" : v.Value.ToString("0.000", CultureInfo.InvariantCulture);
    static string Num(double? v) => v is null || !double.IsFinite(v.Value) ? "" : v.Value.ToString("R", CultureInfo.InvariantCulture);
}
