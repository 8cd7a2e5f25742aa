namespace SslAnomaly.Notebooks;

/// <summary>One resolution of Table 2: our F1 (natural validation split) and the paper's best validation F1.</summary>
public sealed record ResolutionLine(string Backbone, int Resolution, double? OursF1, double? PaperBestF1, string Status);

/// <summary>One cell of the augmentation grid.</summary>
public sealed record AugmentationLine(double MinScale, double TVal, double? F1, double? F2Ciw, double? F1Normal, string Status);

/// <summary>
/// Appendix A of the paper (notebook 05): Table 2 (resolution) beside the published one, and Figure 3 (the
/// min_scale x t_val augmentation grid).
/// </summary>
public static class AblationViews
{
    const string Natural = ImbalanceGrid.NaturalKey;

    /// <summary>Our resolutions and the paper's, per backbone, in one table (rows for every resolution either side has).</summary>
    public static IReadOnlyList<ResolutionLine> ResolutionTable(IReadOnlyList<RunResult> runs)
    {
        var paper = PaperReference.Table2();
        var backbones = runs.Select(r => r.Backbone).Distinct().ToList();
        var keys = runs.Select(r => (r.Backbone, r.Resolution))
            .Concat(paper.Where(p => backbones.Contains(p.Backbone)).Select(p => (p.Backbone, p.Resolution)))
            .Distinct().OrderBy(k => k.Backbone, StringComparer.Ordinal).ThenBy(k => k.Resolution);
        return keys.Select(k =>
        {
            var run = runs.FirstOrDefault(r => r.Backbone == k.Backbone && r.Resolution == k.Resolution);
            var published = paper.Where(p => p.Backbone == k.Backbone && p.Resolution == k.Resolution).Select(p => (double?)p.F1).FirstOrDefault();
            return new ResolutionLine(k.Backbone, k.Resolution, Round(run?.Metric(Natural, Metric.F1)), published, run?.Status.Name() ?? "not run (paper only)");
        }).ToList();
    }

    /// <summary>F1 against resolution (log axis): ours as solid lines, the paper's as dashed lines, one colour per backbone.</summary>
    public static PlotlyFigure ResolutionChart(IReadOnlyList<RunResult> runs)
    {
        var lines = new List<JsonObject>();
        foreach (var backbone in runs.Select(r => r.Backbone).Distinct().Order(StringComparer.Ordinal))
        {
            var ours = runs.Where(r => r.Backbone == backbone && r.Metric(Natural, Metric.F1) is not null).OrderBy(r => r.Resolution).ToList();
            lines.Add(PlotlyTraces.Line(ours.Select(r => r.Resolution), ours.Select(r => r.Metric(Natural, Metric.F1)!.Value),
                $"ours: {backbone} (final F1, natural split)", markers: true));
            var paper = PaperReference.Table2().Where(p => p.Backbone == backbone).OrderBy(p => p.Resolution).ToList();
            lines.Add(PlotlyTraces.Line(paper.Select(p => p.Resolution), paper.Select(p => p.F1),
                $"paper: {backbone} (best val F1)", markers: true, dash: "dash"));
        }
        return PlotlyFigure.Of(lines).WithTitle("Table 2 as a figure: F1 against input resolution (supervised, no augmentation but resize)")
            .WithAxisTitles("resolution (px, log scale)", "F1")
            .WithLayout("xaxis.type", "log")
            .WithSize(760, 420);
    }

    public static IReadOnlyList<AugmentationLine> AugmentationTable(IReadOnlyList<AugmentationRun> runs) =>
        runs.OrderBy(r => r.MinScale).ThenBy(r => r.TVal).Select(r => new AugmentationLine(r.MinScale, r.TVal,
            Round(r.Run.Metric(Natural, Metric.F1)), Round(r.Run.Metric(Natural, Metric.F2Ciw)), Round(r.Run.Metric(Natural, Metric.F1Normal)), r.Run.Status.Name())).ToList();

    /// <summary>Figure 3: F1 (natural validation split) over min_scale (rows) and t_val (columns).</summary>
    public static PlotlyFigure AugmentationHeatmap(IReadOnlyList<AugmentationRun> runs, Metric? metric = null)
    {
        metric ??= Metric.F1;
        var scales = runs.Select(r => r.MinScale).Distinct().Order().ToList();
        var tvals = runs.Select(r => r.TVal).Distinct().Order().ToList();
        var z = scales.Select(s => tvals.Select(t => runs.FirstOrDefault(r => r.MinScale == s && r.TVal == t)?.Run.Metric(Natural, metric) ?? double.NaN).ToArray()).ToArray();
        var chart = PlotlyFigure.Of(PlotlyTraces.Heatmap(z, tvals.Select(F), scales.Select(F)));
        return ChartStyle.WithCellValues(chart
            .WithTitle($"Figure 3: {Table1.Display(metric)} by min_scale and t_val (supervised resnet18)")
            .WithAxisTitles("t_val (ColorJitter strength)", "min_scale (RandomResizedCrop)")
            .WithSize(760, Math.Max(320, 80 + 60 * scales.Count)), ".3f");
    }

    static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
    static double? Round(double? v) => v is null ? null : Math.Round(v.Value, 3);
}
