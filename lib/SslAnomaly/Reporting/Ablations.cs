using System.Globalization;
using System.Text;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>One cell of the augmentation grid (Figure 3): the run and the two settings it ablates.</summary>
public sealed record AugmentationRun(double MinScale, double TVal, RunResult Run);

/// <summary>One resolution of Table 2: our F1 (natural subset) and the paper's best validation F1.</summary>
public sealed record ResolutionLine(string Backbone, int Resolution, double? OursF1, double? PaperBestF1, string Status);

/// <summary>One cell of the augmentation grid as a table row.</summary>
public sealed record AugmentationLine(double MinScale, double TVal, double? F1, double? F2Ciw, double? F1Normal, string Status);

/// <summary>
/// The runs of the two ablation grids of the paper's Appendix A (<see cref="Grids.Resolution"/>: Table 2;
/// <see cref="Grids.Augmentation"/>: Figure 3), each with the setting it ablates, and their tables. The report finds them
/// among the runs it is given by the sweep plan each run folder lies in; the notebooks run them from the same plans.
/// </summary>
public sealed record AblationRuns(IReadOnlyList<RunResult> Resolution, IReadOnlyList<AugmentationRun> Augmentation)
{
    public static readonly AblationRuns None = new([], []);

    public const string ResolutionFile = "table2-resolution", AugmentationFile = "figure3-augmentation";

    /// <summary>Every run of both grids.</summary>
    public IEnumerable<RunResult> Runs => Resolution.Concat(Augmentation.Select(a => a.Run));

    /// <summary>
    /// Splits <paramref name="runs"/> into the ablation grids' runs and the others: a run is an ablation run when its folder
    /// lies in a sweep (<see cref="SweepPlan.SweepDirectoryOf"/>) whose grid is an ablation and whose plan names it. Their
    /// supervised runs change the input size or the augmentations, so they must not count as cells of Table 1.
    /// </summary>
    public static (IReadOnlyList<RunResult> Others, AblationRuns Ablations) Separate(IReadOnlyList<RunResult> runs)
    {
        var plans = new Dictionary<string, SweepPlan?>(StringComparer.Ordinal);
        var others = new List<RunResult>();
        var resolution = new List<RunResult>();
        var augmentation = new List<AugmentationRun>();
        foreach (var run in runs)
        {
            var sweep = SweepPlan.SweepDirectoryOf(run.RunDirectory);
            SweepPlan? plan = null;
            if (sweep is not null && !plans.TryGetValue(sweep, out plan))
                plans[sweep] = plan = SweepPlan.Load(sweep) is var loaded && Grids.IsAblation(loaded.Grid) ? loaded : null;
            var entry = plan?.EntryOf(run.RunDirectory);
            if (entry is { Resolution: not null }) resolution.Add(run);
            else if (entry is { MinScale: { } scale, TVal: { } tval }) augmentation.Add(new AugmentationRun(scale, tval, run));
            else others.Add(run);
        }
        return (others, new AblationRuns(resolution, augmentation));
    }

    /// <summary>Our resolutions and the paper's, per backbone, in one table (rows for every resolution either side has); our
    /// value is the mean over the cell's seeds.</summary>
    public static IReadOnlyList<ResolutionLine> ResolutionTable(IReadOnlyList<RunResult> runs)
    {
        var paper = PaperReference.Table2();
        var backbones = runs.Select(r => r.Backbone).Distinct().ToList();
        var keys = runs.Select(r => (r.Backbone, r.Resolution))
            .Concat(paper.Where(p => backbones.Contains(p.Backbone)).Select(p => (p.Backbone, p.Resolution)))
            .Distinct().OrderBy(k => k.Backbone, StringComparer.Ordinal).ThenBy(k => k.Resolution);
        return keys.Select(k =>
        {
            var cell = runs.Where(r => r.Backbone == k.Backbone && r.Resolution == k.Resolution).ToList();
            var published = paper.Where(p => p.Backbone == k.Backbone && p.Resolution == k.Resolution).Select(p => (double?)p.F1).FirstOrDefault();
            return new ResolutionLine(k.Backbone, k.Resolution, Round(Mean(cell, Metric.F1)), published, Status(cell, "not run (paper only)"));
        }).ToList();
    }

    /// <summary>One row per (min_scale, t_val), the mean over the cell's seeds.</summary>
    public static IReadOnlyList<AugmentationLine> AugmentationTable(IReadOnlyList<AugmentationRun> runs) =>
        runs.GroupBy(r => (r.MinScale, r.TVal)).OrderBy(g => g.Key.MinScale).ThenBy(g => g.Key.TVal).Select(g =>
        {
            var cell = g.Select(r => r.Run).ToList();
            return new AugmentationLine(g.Key.MinScale, g.Key.TVal, Round(Mean(cell, Metric.F1)), Round(Mean(cell, Metric.F2Ciw)),
                Round(Mean(cell, Metric.F1Normal)), Status(cell, "not run"));
        }).ToList();

    public static string ResolutionMarkdown(IReadOnlyList<ResolutionLine> lines) =>
        MarkdownTable(["backbone", "resolution (px)", "F1, ours", "best val F1, paper", "status"],
            lines.Select(l => new[] { l.Backbone, Text(l.Resolution), Text(l.OursF1), Text(l.PaperBestF1), l.Status }));

    public static string AugmentationMarkdown(IReadOnlyList<AugmentationLine> lines) =>
        MarkdownTable(["min_scale", "t_val", "F1", "F2_CIW", "F1_Normal", "status"],
            lines.Select(l => new[] { Text(l.MinScale), Text(l.TVal), Text(l.F1), Text(l.F2Ciw), Text(l.F1Normal), l.Status }));

    public static string ResolutionCsv(IReadOnlyList<ResolutionLine> lines) =>
        Csv("backbone,resolution,ours_f1,paper_best_val_f1,status",
            lines.Select(l => new[] { l.Backbone, Text(l.Resolution), Number(l.OursF1), Number(l.PaperBestF1), l.Status }));

    public static string AugmentationCsv(IReadOnlyList<AugmentationLine> lines) =>
        Csv("min_scale,t_val,f1,f2_ciw,f1_normal,status",
            lines.Select(l => new[] { Text(l.MinScale), Text(l.TVal), Number(l.F1), Number(l.F2Ciw), Number(l.F1Normal), l.Status }));

    static double? Mean(IReadOnlyList<RunResult> cell, Metric metric)
    {
        var values = cell.Select(r => r.Metric(ImbalanceGrid.NaturalKey, metric)).OfType<double>().ToList();
        return values.Count == 0 ? null : values.Average();
    }

    /// <summary>The cell's run statuses ("completed"; "completed/failed" where seeds differ), or <paramref name="none"/>.</summary>
    static string Status(IReadOnlyList<RunResult> cell, string none) =>
        cell.Count == 0 ? none : string.Join("/", cell.Select(r => r.Status.Name()).Distinct());

    static string MarkdownTable(IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        var s = new StringBuilder();
        s.AppendLine("| " + string.Join(" | ", header) + " |");
        s.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows) s.AppendLine("| " + string.Join(" | ", row) + " |");
        return s.ToString();
    }

    static string Csv(string header, IEnumerable<string[]> rows) =>
        header + "\n" + string.Concat(rows.Select(r => string.Join(",", r) + "\n"));

    static double? Round(double? v) => v is null ? null : Math.Round(v.Value, 3);
    static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);
    static string Text(double? v) => v?.ToString("0.000", CultureInfo.InvariantCulture) ?? "–";
    static string Number(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";
}
