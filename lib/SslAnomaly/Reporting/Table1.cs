using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;

namespace SslAnomaly.Reporting;

/// <summary>One cell of Table 1: our value (mean over seeds) beside the paper's.</summary>
public sealed record Table1Row(string Metric, string Method, string Backbone, double TrainDefectPct, double? Ours, int Runs, double? Paper)
{
    public double? Difference => Ours is not null && Paper is not null ? Ours - Paper : null;
    /// <summary>95 % interval: of a single run's value over its images (bootstrap), or with several seeds of their mean over
    /// training runs and images (<see cref="SeedStatistics.MeanIntervals"/>); null without intervals or the runs' prediction files.</summary>
    public double? Low { get; init; }
    public double? High { get; init; }
    /// <summary>Sample standard deviation over seeds (null for fewer than two runs).</summary>
    public double? Sd { get; init; }
    /// <summary>Against the random-init floor of its backbone, over every seed (<see cref="FloorFamily.Verdict"/>); null when not tested.</summary>
    public FloorVerdict? Floor { get; init; }
    /// <summary>Two-sided p of the cell against the floor, over every seed (null when not tested).</summary>
    public double? FloorP { get; init; }
    /// <summary>Benjamini-Hochberg q of that test within Table 1's family (null when not tested).</summary>
    public double? FloorQ { get; init; }
    /// <summary>
    /// The row did not learn here: below the best classifier that sees no image (always-defect, prior) on this metric, or
    /// worse than the random-init floor. Not judged for those reference rows and the floor themselves.
    /// </summary>
    public bool DidNotLearn { get; init; }
}

/// <summary>
/// Table 1 of the paper: F1, F2_CIW and F1_Normal per method x backbone x train defect share, measured
/// on the unmodified evaluated split ("natural", as the paper validates on the benchmark's balance): the split the runs
/// are read on (<see cref="RunResult.ScoredSplit"/>; reports read test, with a validation table beside),
/// with the published numbers side by side; plus the binary F2 of the defect class (no paper column: the
/// paper's F2_CIW may have meant it, see <see cref="F2Reading"/>), and the threshold-free AUROC and AUPRC (no paper column
/// either: the paper reports none; they judge the ranking alone, which the detectors without defect labels share with
/// the probe, see <see cref="OneClassTable"/>). Floors and the ceiling are rows too:
/// always-defect, prior, random-init and the supervised model's own head.
/// </summary>
public static class Table1
{
    public static readonly IReadOnlyList<string> Metrics = ["f1", "f2_ciw", "f1_normal", "f2", "auroc", "auprc"];
    /// <summary>The metrics of <see cref="Metrics"/> that need no threshold; the paper reports neither, so comparisons with it leave them out.</summary>
    public static readonly IReadOnlyList<string> ThresholdFreeMetrics = Metrics.Where(m => Metric.Get(m).ThresholdFree).ToList();
    public static readonly IReadOnlyList<string> MethodOrder =
        [ReferenceRows.AlwaysDefect, ReferenceRows.Prior, Methods.RandomInit.Name, "supervised", ReferenceRows.SupervisedHead, "byol", "barlow", "dino", "mae", "simclr"];

    /// <summary>Marks after our value: better than the random-init floor, worse than it, or cannot be told apart from it;
    /// and a row that did not learn (<see cref="Table1Row.DidNotLearn"/>).</summary>
    public const string BetterMark = "†", WorseMark = "↓", CannotTellMark = "°", DidNotLearnMark = "✗";

    /// <summary>What the marks say, and over which family of tests the q-values run.</summary>
    public const string MarksLegend = "† better than the random-init floor of its backbone, ↓ worse than it, ° cannot be told apart from it " +
                                      "(paired stratified bootstrap on the same images, two-sided at the level of the 95 % intervals: " +
                                      "Benjamini-Hochberg q < 0.05; a cell with several seeds is one test over them all: Student's t over the seeds' mean paired difference, its error from the seeds' spread and the images together)";
    public const string Legend = MarksLegend + "; q over one family: every floor comparison behind this table's cells (all its metrics). " +
                                 "No mark: no floor run to compare with. ✗ did not learn: below the best classifier that sees no image, or worse than the floor. " +
                                 "[lo, hi]: 95 % interval, over images for one run (bootstrap), over training runs and images for several seeds (n; Student's t); ± : sd over seeds where no interval can be drawn. " +
                                 ThresholdFreeLegend;

    /// <summary>What AUROC and AUPRC are measured against: their chance levels differ, and AUPRC's moves with the subset.</summary>
    public const string ThresholdFreeLegend = "AUROC and AUPRC are threshold-free (the ranking alone; the paper reports neither, so their paper column is blank): " +
                                              "AUROC's chance level is 0.5, AUPRC's is the evaluated subset's defect share (0.05 on a 5 % subset), which the prior row shows.";

    public static string Mark(FloorVerdict? verdict) => verdict switch
    {
        FloorVerdict.Better => BetterMark,
        FloorVerdict.Worse => WorseMark,
        FloorVerdict.CannotTell => CannotTellMark,
        _ => "",
    };

    /// <summary>Table 1's family of floor tests: every run it shows, at <paramref name="valKey"/>, for each of its <see cref="Metrics"/>.</summary>
    public static FloorFamily FloorFamily(IReadOnlyList<RunResult> runs, FloorComparisons floors, string valKey = ImbalanceGrid.NaturalKey) =>
        floors.Family("Table 1", PaperSetting(runs).Where(r => r.IsCompleted), [valKey], Metrics);

    /// <param name="runs">Run summaries; reference rows are derived here (<see cref="ReferenceRows"/>), runs whose probe
    /// share differs from their train share (the fixed-probe panel) are left out.</param>
    /// <param name="floors">Paired comparisons with the random-init floor (none: no marks).</param>
    /// <param name="seedBootstrap">Replicates of the shared-image error of cells with several seeds (null: the default).</param>
    public static IReadOnlyList<Table1Row> Build(IReadOnlyList<RunResult> runs, string valKey = ImbalanceGrid.NaturalKey, FloorComparisons? floors = null,
        BootstrapOptions? seedBootstrap = null)
    {
        var seedIntervals = new Dictionary<(string, string, double), IReadOnlyDictionary<string, (double Mean, ConfidenceInterval Interval)>?>();
        var family = FloorFamily(runs, floors ?? FloorComparisons.None, valKey);
        runs = ReferenceRows.With(PaperSetting(runs));
        var paper = PaperReference.Table1().ToDictionary(v => (v.Metric, v.Method, v.Backbone, v.TrainDefectPct), v => v.Value);
        var keys = runs.Where(r => r.IsCompleted).Select(r => (r.Method, r.Backbone, r.TrainDefectPct))
            .Concat(paper.Keys.Select(k => (k.Method, k.Backbone, k.TrainDefectPct))).Distinct()
            .OrderBy(k => Order(k.Method)).ThenBy(k => k.Backbone, StringComparer.Ordinal).ThenBy(k => k.TrainDefectPct).ToList();
        var rows = new List<Table1Row>();
        foreach (var metric in Metrics)
            foreach (var (method, backbone, pct) in keys)
            {
                var cellRuns = runs.Where(r => r.IsCompleted && r.Method == method && r.Backbone == backbone && r.TrainDefectPct == pct
                                               && r.Metric(valKey, metric) is not null).ToList();
                var ours = cellRuns.Select(r => r.Metric(valKey, metric)!.Value).ToList();
                var interval = cellRuns.Count == 1 ? cellRuns[0].Interval(valKey, metric)
                    : cellRuns.Count > 1 && SeedIntervals(seedIntervals, cellRuns, valKey, seedBootstrap) is { } bySeed
                        && bySeed[metric].Interval is { Low: var lo, High: var hi } && double.IsFinite(lo) && double.IsFinite(hi) ? (Low: lo, High: hi) : ((double Low, double High)?)null;
                var tested = family.TestsOf(cellRuns, valKey, metric);
                rows.Add(new Table1Row(metric, method, backbone, pct, ours.Count > 0 ? ours.Average() : null, ours.Count,
                    paper.TryGetValue((metric, method, backbone, pct), out var p) ? p : null)
                {
                    Low = interval?.Low, High = interval?.High, Sd = SampleSd(ours),
                    Floor = family.Verdict(cellRuns, valKey, metric),
                    FloorP = tested.Count > 0 ? tested.Max(t => t.Comparison.PValue) : null,
                    FloorQ = tested.Count > 0 ? tested.Max(t => t.Q) : null,
                });
            }
        return MarkDidNotLearn(rows);
    }

    /// <summary>The intervals over seeds of a cell with several, computed once for all its metrics; null when a run lacks its files.</summary>
    static IReadOnlyDictionary<string, (double Mean, ConfidenceInterval Interval)>? SeedIntervals(
        Dictionary<(string, string, double), IReadOnlyDictionary<string, (double Mean, ConfidenceInterval Interval)>?> cache,
        IReadOnlyList<RunResult> cellRuns, string valKey, BootstrapOptions? options)
    {
        var key = (cellRuns[0].Method, cellRuns[0].Backbone, cellRuns[0].TrainDefectPct);
        if (cache.TryGetValue(key, out var known)) return known;
        var subsets = cellRuns.Select(r => RunScores.Subset(r, valKey)).ToList();
        if (subsets.Any(s => s is null)) return cache[key] = null;
        bool sameImages = subsets.All(s => s!.Images.SequenceEqual(subsets[0]!.Images, StringComparer.Ordinal));
        return cache[key] = SeedStatistics.MeanIntervals(subsets.Select(s => s!.Set()).ToList(), sameImages, options);
    }

    /// <summary>Flags the rows below their trivial classifiers or worse than the floor (<see cref="Table1Row.DidNotLearn"/>).</summary>
    static IReadOnlyList<Table1Row> MarkDidNotLearn(List<Table1Row> rows)
    {
        var trivialBest = rows.Where(r => r.Method is ReferenceRows.AlwaysDefect or ReferenceRows.Prior && r.Ours is not null)
            .GroupBy(r => (r.Metric, r.Backbone, r.TrainDefectPct)).ToDictionary(g => g.Key, g => g.Max(r => r.Ours!.Value));
        return rows.Select(r =>
        {
            if (r.Ours is null || r.Method is ReferenceRows.AlwaysDefect or ReferenceRows.Prior || MethodRegistry.KindOf(r.Method) == MethodKind.Floor) return r;
            bool belowTrivial = trivialBest.TryGetValue((r.Metric, r.Backbone, r.TrainDefectPct), out var best) && r.Ours < best;
            return belowTrivial || r.Floor == FloorVerdict.Worse ? r with { DidNotLearn = true } : r;
        }).ToList();
    }

    /// <summary>
    /// Runs in the paper's setting (probe at the train share), one per method, backbone, train share, seed and
    /// resolution: a fixed-probe sweep's run at its own probe share repeats the main sweep's and must not count twice.
    /// </summary>
    public static IReadOnlyList<RunResult> PaperSetting(IReadOnlyList<RunResult> runs) =>
        runs.Where(r => r.Reference is null && r.ProbeAtTrainShare)
            .GroupBy(r => (r.Method, r.Backbone, r.TrainDefectPct, r.Seed, r.Resolution, r.Status))
            .Select(g => g.OrderBy(r => r.RunDirectory, StringComparer.Ordinal).First()).ToList();

    public static DataFrame ToDataFrame(IReadOnlyList<Table1Row> rows) => new(
        new StringDataFrameColumn("metric", rows.Select(r => r.Metric)),
        new StringDataFrameColumn("method", rows.Select(r => r.Method)),
        new StringDataFrameColumn("backbone", rows.Select(r => r.Backbone)),
        new DoubleDataFrameColumn("train_defect_pct", rows.Select(r => (double?)r.TrainDefectPct)),
        new DoubleDataFrameColumn("ours", rows.Select(r => r.Ours)),
        new Int32DataFrameColumn("runs", rows.Select(r => (int?)r.Runs)),
        new DoubleDataFrameColumn("paper", rows.Select(r => r.Paper)),
        new DoubleDataFrameColumn("difference", rows.Select(r => r.Difference)),
        new DoubleDataFrameColumn("low", rows.Select(r => r.Low)),
        new DoubleDataFrameColumn("high", rows.Select(r => r.High)),
        new DoubleDataFrameColumn("sd", rows.Select(r => r.Sd)),
        new StringDataFrameColumn("floor_verdict", rows.Select(r => r.Floor?.Name())),
        new DoubleDataFrameColumn("floor_p", rows.Select(r => r.FloorP)),
        new DoubleDataFrameColumn("floor_q", rows.Select(r => r.FloorQ)),
        new BooleanDataFrameColumn("did_not_learn", rows.Select(r => (bool?)r.DidNotLearn)));

    public static string ToCsv(IReadOnlyList<Table1Row> rows)
    {
        var s = new StringBuilder("metric,method,backbone,train_defect_pct,ours,runs,paper,difference,low,high,sd,floor_verdict,floor_p,floor_q,did_not_learn\n");
        foreach (var r in rows)
            s.Append(CultureInfo.InvariantCulture,
                $"{r.Metric},{r.Method},{r.Backbone},{r.TrainDefectPct},{Num(r.Ours)},{r.Runs},{Num(r.Paper)},{Num(r.Difference)},{Num(r.Low)},{Num(r.High)},{Num(r.Sd)},{r.Floor?.Name()},{Num(r.FloorP)},{Num(r.FloorQ)},{(r.DidNotLearn ? "true" : "false")}\n");
        return s.ToString();
    }

    /// <summary>A cell as the paper-vs-ours tables print it: "ours [lo, hi] (paper)" for one run, "mean [lo, hi] (n=3)
    /// (paper)" over seeds (or "mean ± sd" where no interval could be drawn), with the floor mark and ✗ after our value.</summary>
    public static string Cell(Table1Row r)
    {
        if (r.Ours is null) return $"– ({Fmt(r.Paper)})";
        string mark = Mark(r.Floor) + (r.DidNotLearn ? DidNotLearnMark : "");
        string spread = r.Low is not null && r.High is not null ? $" [{Fmt(r.Low)}, {Fmt(r.High)}]" : r.Runs > 1 ? $" ± {Fmt(r.Sd)}" : "";
        string seeds = r.Runs > 1 ? $" (n={r.Runs})" : "";
        return $"{Fmt(r.Ours)}{mark}{spread}{seeds} ({Fmt(r.Paper)})";
    }

    /// <summary>One markdown table per metric: rows method/backbone, columns train shares, cells "ours (paper)".</summary>
    public static string ToMarkdown(IReadOnlyList<Table1Row> rows)
    {
        var s = new StringBuilder();
        foreach (var metric in Metrics)
        {
            var ofMetric = rows.Where(r => r.Metric == metric).ToList();
            var shares = ofMetric.Select(r => r.TrainDefectPct).Distinct().Order().ToList();
            s.AppendLine($"### {Display(metric)}: ours [95 % interval] (paper)");
            s.AppendLine();
            s.AppendLine("| method | backbone | " + string.Join(" | ", shares.Select(p => $"{p:0.##} %")) + " |");
            s.AppendLine("|---|---|" + string.Concat(shares.Select(_ => "---:|")));
            foreach (var g in ofMetric.GroupBy(r => (r.Method, r.Backbone)))
            {
                var cells = shares.Select(p => g.FirstOrDefault(r => r.TrainDefectPct == p) is { } r ? Cell(r) : "– (–)");
                s.AppendLine($"| {g.Key.Method} | {g.Key.Backbone} | {string.Join(" | ", cells)} |");
            }
            s.AppendLine();
        }
        s.AppendLine(Legend);
        return s.ToString();
    }

    public static string Display(string metric) => Metric.DisplayOf(metric);

    static double? SampleSd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    static int Order(string method) => MethodOrder.ToList().IndexOf(method) is var i && i >= 0 ? i : 99;
    static string Fmt(double? v) => v is null ? "–" : v.Value.ToString("0.000", CultureInfo.InvariantCulture);
    static string Num(double? v) => v is null ? "" : v.Value.ToString("R", CultureInfo.InvariantCulture);
}
