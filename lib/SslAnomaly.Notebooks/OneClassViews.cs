namespace SslAnomaly.Notebooks;

/// <summary>
/// Notebook 08: the imbalance sweep's runs without defect labels (docs/one-class.md): the one-class table, the
/// label-efficiency figures and the three findings, all computed by the library (<see cref="OneClassTable"/>,
/// <see cref="LabelEfficiencyFigure"/>, <see cref="OneClassFindings"/>); this only chooses how they are displayed. The
/// sweep's runs are already on the split they are reported on.
/// </summary>
public static class OneClassViews
{
    public static IReadOnlyList<OneClassRow> Rows(ImbalanceSweep sweep) => OneClassTable.Build(sweep.Completed);

    /// <summary>The three tables: AUPRC beside the probe, F1 at the label-free threshold, the best-threshold F1 apart.</summary>
    public static MarkdownText Table(ImbalanceSweep sweep) =>
        new(OneClassTable.ToMarkdown(Rows(sweep), Figures.SplitName(sweep.Completed)));

    /// <summary>The (backbone, train share) pairs that have label-efficiency probes, one figure each.</summary>
    public static IReadOnlyList<(string Backbone, double TrainDefectPct)> LabelEfficiencyPanels(ImbalanceSweep sweep) =>
        FigureCatalogue.LabelEfficiency.Instances(new FigureRuns(sweep.Completed)).ToList();

    public static PlotlyFigure LabelEfficiency(ImbalanceSweep sweep, string backbone, double trainDefectPct) =>
        FigureCatalogue.LabelEfficiency.Chart(new FigureRuns(sweep.Completed), (backbone, trainDefectPct));

    public static OneClassFindings Findings(ImbalanceSweep sweep) => OneClassFindings.Compute(sweep.Completed);

    /// <summary>The findings as markdown paragraphs, each computed from the runs.</summary>
    public static MarkdownText FindingsText(ImbalanceSweep sweep) => new(string.Join("\n\n", Findings(sweep).Paragraphs()));
}
