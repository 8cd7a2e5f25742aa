using SslAnomaly.Analysis;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Notebook 07: the label-free analysis (<see cref="LabelFreeAnalysis"/>) of the imbalance sweep, shown as markdown
/// tables and plotly figures. Everything is computed by the library; this only chooses how it is displayed.
/// </summary>
public static class LabelFreeViews
{
    /// <summary>The analysis of every finished run of the sweep (bootstrap intervals from <paramref name="replicates"/> resamples).</summary>
    public static LabelFreeAnalysisResult Analyze(ImbalanceSweep sweep, int replicates = 1000) =>
        LabelFreeAnalysis.Run(sweep.Directory, new BootstrapOptions(replicates, Seed: 0));

    /// <summary>The analysis of the selection grid's runs (<see cref="NotebookExperiments.SelectionGrid"/>).</summary>
    public static LabelFreeAnalysisResult AnalyzeSelection(NotebookExperiments experiments, int replicates = 1000) =>
        LabelFreeAnalysis.Run(experiments.SelectionGridDirectory, new BootstrapOptions(replicates, Seed: 0));

    public static MarkdownText Ranking(LabelFreeAnalysisResult result) => new(LabelFreeAnalysis.RankingMarkdown(result));
    public static MarkdownText Regret(LabelFreeAnalysisResult result) => new(LabelFreeAnalysis.RegretMarkdown(result));
    public static MarkdownText PriorShift(LabelFreeAnalysisResult result) => new(LabelFreeAnalysis.PriorShiftMarkdown(result));

    public static PlotlyFigure ScatterGrid(LabelFreeAnalysisResult result, string validationKey = ImbalanceGrid.NaturalKey) =>
        LabelFreeFigures.Scatter.Chart(result, validationKey);

    public static PlotlyFigure Calibration(LabelFreeAnalysisResult result) => LabelFreeFigures.CalibrationFigure.Chart(result);
    public static PlotlyFigure RulesByShare(LabelFreeAnalysisResult result) => LabelFreeFigures.Rules.Chart(result);

    /// <summary>The closing sentences, computed from the numbers: correlations and prior shift from the sweep, regret from the selection grid.</summary>
    public static string Verdict(LabelFreeAnalysisResult sweep, LabelFreeAnalysisResult selection) =>
        string.Join(" ", new[] { LabelFreeAnalysis.CorrelationVerdict(sweep), LabelFreeAnalysis.SelectionVerdict(selection), LabelFreeAnalysis.PriorShiftVerdict(sweep) }
            .Where(s => s.Length > 0));
}
