namespace SslAnomaly.Notebooks;

/// <summary>
/// Curves of one run from its metrics.csv (notebook 02): the loss per step, and the per-epoch monitors
/// (RankMe, mean and standard deviation of backbone features and projector embeddings on a fixed sample), drawn by the
/// library (<see cref="RunCharts"/>, catalogued in <see cref="FigureCatalogue"/>).
/// </summary>
public static class TrainingCharts
{
    /// <summary>The per-epoch monitor curves the trainer writes (those a run lacks are skipped): the report's.</summary>
    public static readonly IReadOnlyList<string> MonitorCurves = FigureCatalogue.CurveNames;

    /// <summary>What metrics.csv holds: one row per curve, with its length and last value.</summary>
    public static IReadOnlyList<CurveFacts> Inventory(RunResult run) =>
        run.Curves().OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new CurveFacts(c.Key, c.Value.Count, c.Value[0].Step, c.Value[^1].Step, Math.Round(c.Value[^1].Value, 4)))
            .ToList();

    /// <summary>The training loss at every step, with a moving average over about a tenth of the run.</summary>
    public static PlotlyFigure Loss(RunResult run) => FigureCatalogue.RunLoss.Chart(new FigureRuns([run]), run);

    /// <summary>RankMe of backbone features and of projector embeddings at the end of each epoch.</summary>
    public static PlotlyFigure RankMe(RunResult run) => FigureCatalogue.RunRankMe.Chart(new FigureRuns([run]), run);

    /// <summary>Mean and standard deviation over the monitoring sample's features, per epoch.</summary>
    public static PlotlyFigure FeatureStatistics(RunResult run) => FigureCatalogue.RunFeatureStatistics.Chart(new FigureRuns([run]), run);
}

/// <summary>One curve of metrics.csv.</summary>
public sealed record CurveFacts(string Curve, int Points, long FirstStep, long LastStep, double LastValue);
