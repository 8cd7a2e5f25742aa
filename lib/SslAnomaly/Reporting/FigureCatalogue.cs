using System.Globalization;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>
/// Every figure drawn from finished runs, once: its id, title, the runs it needs and the function that draws it from
/// <see cref="FigureRuns"/>. The report draws the entries marked <see cref="FigureSpec{TSource}.InReport"/>, in the order of
/// <see cref="All"/>, each instance to figures/NAME.html; the notebooks' views take the same entries (<c>Chart</c>) and
/// only restyle them. The label-free analysis draws from its own result rather than from runs, and sits above this layer:
/// its figures are catalogued beside it (<c>Analysis.LabelFreeFigures.All</c>) in the same shape.
/// </summary>
public static class FigureCatalogue
{
    /// <summary>The metrics the report draws a heatmap of, per backbone.</summary>
    public static readonly IReadOnlyList<string> HeatmapMetrics = ["f1", "f2_ciw", "f1_normal", "precision", "recall", "auroc", "auprc"];

    /// <summary>Names of the per-epoch curves (metrics.csv) the report and the notebooks plot, in order.</summary>
    public static readonly IReadOnlyList<string> CurveNames =
        ["rankme/backbone", "rankme/projector", "features/backbone_mean", "features/backbone_std", "features/projector_mean", "features/projector_std"];

    /// <summary>The heatmaps' legend: the marks of Table 1, with q-values over each heatmap's own cells.</summary>
    public const string HeatmapMarks = "† better than the random-init floor, ↓ worse, ° cannot be told apart (two-sided paired bootstrap, " +
                                       "Benjamini-Hochberg q < 0.05 over this heatmap's cells); * fewer than 30 defect images behind the cell (hover for the count)";

    /// <summary>What a threshold-free metric's heatmap is measured against (empty for the others).</summary>
    public static string ChanceNote(string metric) => metric switch
    {
        "auprc" => "; AUPRC is threshold-free and its chance level is the column's defect share (0.05 on a 5 % column)",
        "auroc" => "; AUROC is threshold-free and its chance level is 0.5",
        _ => "",
    };

    /// <summary>Maps final RankMe values onto the x axis of Figure 7: min-max over all plotted runs (<see cref="RankMeRescaling"/>).</summary>
    public static IReadOnlyList<double> RankMeRescale(IReadOnlyList<RunResult> runs) =>
        RankMeRescaling.MinMax(runs.Select(r => r.Rankme ?? double.NaN).ToList());

    /// <summary>The headline: F1 against the train share on ResNet-18, the floor and the ceiling beside the methods (<see cref="HeadlineFigure"/>).</summary>
    public static readonly SingleFigureSpec<FigureRuns> Headline = new(HeadlineFigure.Name,
        "Headline: F1 against the train defect share on ResNet-18, with intervals, the random-init floor and the supervised ceiling",
        "completed ResNet-18 runs of the imbalance grid (Table 1's F1 cells); prediction files for the intervals of cells with several seeds",
        r => r.Runs.Any(x => x.IsCompleted && x.Backbone == HeadlineFigure.Backbone) && HeadlineFigure.Cells(r.Table).Count > 0,
        r => HeadlineFigure.Build(r.Table, r.Split),
        r => HeadlineFigure.Title(r.Split));

    /// <summary>Figures 2, 4 and 5: a metric over train share (rows) and evaluated share (columns), per backbone.</summary>
    public static readonly FigureSpec<FigureRuns, (string Backbone, string Metric)> Heatmap = new("heatmap",
        "Imbalance heatmaps (the paper's Figures 2, 4 and 5)",
        "the imbalance grid: completed runs with metrics at the evaluated shares; the random-init floor's runs for the marks",
        r => Backbones(r.Runs).SelectMany(b => HeatmapMetrics.Select(m => (b, m))),
        k => $"heatmap-{k.Backbone}-{k.Metric}",
        HeatmapCaption,
        (r, k) => Figures.ImbalanceHeatmap(r.HeatmapRows, k.Backbone, k.Metric, HeatmapCaption(r, k), r.Floors));

    static string HeatmapCaption(FigureRuns r, (string Backbone, string Metric) k) =>
        $"{k.Backbone}: {Table1.Display(k.Metric)} by train share (rows) and {r.Split} share (columns); {HeatmapMarks}{ChanceNote(k.Metric)}";

    /// <summary>The fixed-probe panel: the probe trains at one share while the pretraining share moves.</summary>
    public static readonly FigureSpec<FigureRuns, (string Backbone, double ProbePct)> FixedProbe = new("fixed-probe",
        "The probe fixed at one share while the pretraining share moves",
        "runs of `sweep --probe-defect-pct P` beside the imbalance grid's runs at the same backbone",
        r => Figures.FixedProbeShares(r.Runs).SelectMany(p => r.Runs.Where(x => x.ProbeDefectPct == p && !x.ProbeAtTrainShare)
            .Select(x => x.Backbone).Distinct().Order(StringComparer.Ordinal).Select(b => (b, p))),
        k => $"fixed-probe-{k.Backbone}-p{k.ProbePct.ToString(CultureInfo.InvariantCulture)}",
        (_, k) => $"{k.Backbone}: probe fixed at {k.ProbePct:0.##}% while the pretraining share moves",
        (r, k) => Figures.FixedProbePanel(r.Runs, k.Backbone, k.ProbePct));

    /// <summary>Without defect labels: the probe's AUPRC against its label budget, beside the one-class detectors.</summary>
    public static readonly FigureSpec<FigureRuns, (string Backbone, double TrainDefectPct)> LabelEfficiency = new("label-efficiency",
        "Label efficiency: the probe on few labelled defects beside the detectors that need none",
        "runs with the study without defect labels (label_efficiency and one_class in result.json)",
        r => LabelEfficiencyFigure.Backbones(r.Runs).SelectMany(b => LabelEfficiencyFigure.Shares(r.Runs, b).Select(s => (b, s))),
        k => LabelEfficiencyFigure.Name(k.Backbone, k.TrainDefectPct),
        (r, k) => LabelEfficiencyFigure.Title(k.Backbone, k.TrainDefectPct, r.Split),
        (r, k) => LabelEfficiencyFigure.Build(r.Runs, k.Backbone, k.TrainDefectPct));

    /// <summary>A per-epoch monitor of every run against the training step (the report's view of Figure 6).</summary>
    public static readonly FigureSpec<FigureRuns, string> Curve = new("curve",
        "Per-epoch monitors (RankMe, feature statistics) of every run",
        "metrics.csv beside each run's result.json",
        _ => CurveNames,
        curve => $"curve-{curve.Replace('/', '-')}",
        (_, curve) => $"{curve} per epoch",
        (r, curve) => Figures.Curves(r.Runs, curve, $"{curve} per epoch"));

    /// <summary>Figure 7: probe F1 against re-scaled final RankMe, at an evaluated subset.</summary>
    public static readonly FigureSpec<FigureRuns, string> RankMeScatter = new("rankme-vs-f1",
        "Probe F1 against re-scaled final RankMe (the paper's Figure 7)",
        "completed runs with a final RankMe (self-supervised methods, in the paper)",
        _ => [ImbalanceGrid.NaturalKey],
        _ => "rankme-vs-f1",
        RankMeCaption,
        (r, key) => Figures.RankMeScatter(r.Runs, key, RankMeRescale, RankMeCaption(r, key)));

    static string RankMeCaption(FigureRuns r, string key) =>
        $"Probe F1 ({(key == ImbalanceGrid.NaturalKey ? key : key + " %")} {r.Split} split) against re-scaled final RankMe";

    /// <summary>Table 2 as a figure: F1 against input resolution, ours beside the paper's.</summary>
    public static readonly SingleFigureSpec<FigureRuns> Resolution = Ablation(AblationRuns.ResolutionFile, Grids.Resolution,
        "Table 2: F1 against input resolution (supervised, no augmentation but the resize), ours beside the paper's",
        a => a.Resolution,
        split => $"Table 2: F1 (natural {split} split) against input resolution, supervised with no augmentation but the resize; " +
                 "dashed: the paper's best validation F1",
        a => Figures.ResolutionChart(a.Resolution));

    /// <summary>Figure 3: F1 over RandomResizedCrop's min_scale and ColorJitter's t_val.</summary>
    public static readonly SingleFigureSpec<FigureRuns> Augmentation = Ablation(AblationRuns.AugmentationFile, Grids.Augmentation,
        "Figure 3: F1 by augmentation strength (min_scale x t_val, supervised ResNet-18)",
        a => a.Augmentation.Select(x => x.Run).ToList(),
        split => $"Figure 3: F1 (natural {split} split) of the supervised resnet18 by RandomResizedCrop's min_scale (rows) and " +
                 "ColorJitter's t_val (columns)",
        a => Figures.AugmentationHeatmap(a.Augmentation));

    /// <summary>A figure of one ablation grid: drawn when the grid's runs were given, its caption naming the split they are read on.</summary>
    static SingleFigureSpec<FigureRuns> Ablation(string id, string grid, string title, Func<AblationRuns, IReadOnlyList<RunResult>> runs,
        Func<string, string> caption, Func<AblationRuns, PlotlyFigure> build) =>
        new(id, title, $"the runs of `sweep --grid {grid}`", r => runs(r.Ablations).Count > 0, r => build(r.Ablations),
            r => caption(Figures.SplitName(runs(r.Ablations))));

    /// <summary>Figure 6 as the notebooks show it: one line per run, epochs as categories, runs of one train share.</summary>
    public static readonly FigureSpec<FigureRuns, (string Curve, double? TrainDefectPct)> MonitorByEpoch = new("monitor-by-epoch",
        "Figure 6: a per-epoch monitor of the runs trained at one defect share",
        "metrics.csv beside each run's result.json",
        _ => CurveNames.Select(c => (c, (double?)null)),
        k => $"monitor-{k.Curve.Replace('/', '-')}" + (k.TrainDefectPct is { } p ? $"-t{p.ToString(CultureInfo.InvariantCulture)}" : ""),
        (_, k) => $"Figure 6: {k.Curve} per epoch",
        (r, k) => Figures.MonitorByEpoch(r.Runs, k.Curve, k.TrainDefectPct)) { InReport = false };

    /// <summary>The paper's Figure 2 as published, drawn as ours are.</summary>
    public static readonly SingleFigureSpec<FigureRuns> PaperFigure2 = new("paper-figure2",
        "The paper's Figure 2 (ResNet-18 F1 over train and validation share) as published",
        "no runs: the published numbers (Reference/paper-figure2-resnet18-f1-heatmap.csv)",
        _ => true,
        _ => Figures.PaperFigure2()) { InReport = false };

    /// <summary>Table 1 cell by cell: ours against the paper's.</summary>
    public static readonly SingleFigureSpec<FigureRuns> PaperScatter = new("table1-vs-paper",
        "Table 1, cell by cell: ours against the paper's",
        "imbalance-grid runs in cells the paper reports",
        _ => true,
        r => Figures.PaperScatter(Compared(r.Table))) { InReport = false };

    /// <summary>Ours minus the paper's, per Table 1 cell, for one metric the paper reports.</summary>
    public static readonly FigureSpec<FigureRuns, string> PaperDifference = new("table1-difference",
        "Table 1: ours minus the paper's, per cell",
        "imbalance-grid runs in cells the paper reports",
        _ => Table1.Metrics.Except(Table1.ThresholdFreeMetrics),
        metric => $"table1-difference-{metric}",
        (_, metric) => $"{Table1.Display(metric)}: ours minus the paper's",
        (r, metric) => Figures.PaperDifference(Compared(r.Table), Metric.Get(metric))) { InReport = false };

    /// <summary>One run's training loss per step, with a moving average.</summary>
    public static readonly FigureSpec<FigureRuns, RunResult> RunLoss = OfEachRun("run-loss", "A run's training loss per step", RunCharts.Loss);

    /// <summary>One run's RankMe of backbone features and projector embeddings per epoch.</summary>
    public static readonly FigureSpec<FigureRuns, RunResult> RunRankMe = OfEachRun("run-rankme", "A run's RankMe per epoch", RunCharts.RankMe);

    /// <summary>One run's feature statistics (mean, standard deviation) per epoch.</summary>
    public static readonly FigureSpec<FigureRuns, RunResult> RunFeatureStatistics =
        OfEachRun("run-feature-statistics", "A run's feature statistics per epoch", RunCharts.FeatureStatistics);

    /// <summary>A chart of each completed run's own curves (metrics.csv), shown by notebook 02 rather than the report.</summary>
    static FigureSpec<FigureRuns, RunResult> OfEachRun(string id, string title, Func<RunResult, PlotlyFigure> build) =>
        new(id, title, "metrics.csv beside the run's result.json",
            r => r.Runs.Where(x => x.IsCompleted),
            run => $"{id}-{Path.GetFileName(run.RunDirectory)}",
            (_, run) => $"{title}: {RunCharts.Name(run)}",
            (_, run) => build(run)) { InReport = false };

    /// <summary>Every figure of finished runs, in the order the report shows them.</summary>
    public static readonly IReadOnlyList<FigureSpec<FigureRuns>> All =
        [Headline, Heatmap, FixedProbe, LabelEfficiency, Curve, RankMeScatter, Resolution, Augmentation, MonitorByEpoch, PaperFigure2, PaperScatter,
         PaperDifference, RunLoss, RunRankMe, RunFeatureStatistics];

    public static FigureSpec<FigureRuns>? Find(string id) => All.FirstOrDefault(f => f.Id == id);

    public static FigureSpec<FigureRuns> Get(string id) => Find(id)
        ?? throw new ArgumentException($"Unknown figure '{id}' (known: {string.Join(", ", All.Select(f => f.Id))}).", nameof(id));

    /// <summary>Every instance of every report figure the runs can draw, in the report's order.</summary>
    public static IReadOnlyList<DrawnFigure> DrawReport(FigureRuns runs) =>
        All.Where(f => f.InReport).SelectMany(f => f.Draw(runs)).ToList();

    /// <summary>Table 1's cells that both we and the paper have.</summary>
    public static IReadOnlyList<Table1Row> Compared(IReadOnlyList<Table1Row> table) =>
        table.Where(r => r.Ours is not null && r.Paper is not null).ToList();

    static IEnumerable<string> Backbones(IReadOnlyList<RunResult> runs) => runs.Select(r => r.Backbone).Distinct().Order(StringComparer.Ordinal);
}
