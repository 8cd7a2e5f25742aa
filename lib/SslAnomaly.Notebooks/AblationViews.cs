namespace SslAnomaly.Notebooks;

/// <summary>
/// Appendix A of the paper (notebook 05): Table 2 (resolution) beside the published one, and Figure 3 (the
/// min_scale x t_val augmentation grid). Tables and figures are the report's (<see cref="AblationRuns"/>,
/// <see cref="FigureCatalogue.Resolution"/>, <see cref="FigureCatalogue.Augmentation"/>); this only shows them.
/// </summary>
public static class AblationViews
{
    /// <summary>Our resolutions and the paper's, per backbone, in one table (rows for every resolution either side has).</summary>
    public static IReadOnlyList<ResolutionLine> ResolutionTable(IReadOnlyList<RunResult> runs) => AblationRuns.ResolutionTable(runs);

    /// <summary>F1 against resolution (log axis): ours as solid lines, the paper's as dashed lines, one colour per backbone.</summary>
    public static PlotlyFigure ResolutionChart(IReadOnlyList<RunResult> runs) =>
        FigureCatalogue.Resolution.Chart(new FigureRuns([]) { Ablations = new AblationRuns(runs, []) });

    public static IReadOnlyList<AugmentationLine> AugmentationTable(IReadOnlyList<AugmentationRun> runs) => AblationRuns.AugmentationTable(runs);

    /// <summary>Figure 3: F1 (natural subset) over min_scale (rows) and t_val (columns).</summary>
    public static PlotlyFigure AugmentationHeatmap(IReadOnlyList<AugmentationRun> runs) =>
        FigureCatalogue.Augmentation.Chart(new FigureRuns([]) { Ablations = new AblationRuns([], runs) });
}
