namespace SslAnomaly.Notebooks;

/// <summary>One row of the RankMe/F1 correlation table, formatted for reading.</summary>
public sealed record CorrelationLine(string Validation, int Runs, string Spearman, string SpearmanCi95, string KendallTauB, string KendallCi95);

/// <summary>
/// Appendix D of the paper (notebook 04): per-epoch monitors across runs (Figure 6), final RankMe against
/// probe F1 (Figure 7), and the rank correlations between them with bootstrap intervals.
/// </summary>
public static class MonitoringViews
{
    /// <summary>
    /// Figure 6: one line per run (method / backbone) of a per-epoch monitor, for the runs trained at one defect
    /// share (all runs when <paramref name="trainDefectPct"/> is null).
    /// </summary>
    public static PlotlyFigure Figure6(IReadOnlyList<RunResult> runs, string curve, double? trainDefectPct = null) =>
        FigureCatalogue.MonitorByEpoch.Chart(new FigureRuns(runs), (curve, trainDefectPct));

    /// <summary>Figure 7: probe F1 against final RankMe min-max re-scaled to [0, 1] over all plotted runs (<see cref="RankMeRescaling"/>).</summary>
    public static PlotlyFigure Figure7(IReadOnlyList<RunResult> runs, string validationKey = ImbalanceGrid.NaturalKey) =>
        ChartStyle.WithLegend(FigureCatalogue.RankMeScatter.Chart(new FigureRuns(runs), validationKey)
            .WithTitle($"Figure 7: probe F1 ({Validation(validationKey)}) against re-scaled final RankMe"));

    /// <summary>Spearman and Kendall tau-b between final RankMe and <paramref name="metric"/> per validation subset, with 95 % paired bootstrap intervals over runs.</summary>
    public static IReadOnlyList<RankMeCorrelationRow> Correlations(IReadOnlyList<RunResult> runs, Metric? metric = null, int replicates = 1000) =>
        RankMeCorrelation.Compute(runs.Where(r => r.IsCompleted), metric, new BootstrapOptions(replicates, Seed: 0));

    /// <summary>The rows of <see cref="Correlations"/> as text cells ("0.12", "[-0.40, 0.60]").</summary>
    public static IReadOnlyList<CorrelationLine> Table(IReadOnlyList<RankMeCorrelationRow> rows) =>
        rows.Select(r => new CorrelationLine(Validation(r.ValidationKey), r.Runs, N(r.Spearman), Interval(r.SpearmanInterval), N(r.KendallTauB), Interval(r.KendallInterval))).ToList();

    /// <summary>What the correlation at one validation subset says, in a sentence.</summary>
    public static string Verdict(IReadOnlyList<RankMeCorrelationRow> rows, string validationKey = ImbalanceGrid.NaturalKey)
    {
        var row = rows.FirstOrDefault(r => r.ValidationKey == validationKey);
        if (row is null || double.IsNaN(row.Spearman))
            return $"Too few runs with distinct values to correlate RankMe and F1 on the {Validation(validationKey)}.";
        var ci = row.SpearmanInterval;
        var what = $"Spearman ρ = {N(row.Spearman)} (95 % interval {Interval(ci)}) over {row.Runs} runs on the {Validation(validationKey)}";
        if (double.IsNaN(ci.Low) || double.IsNaN(ci.High)) return what + ": the interval is undefined (too few runs).";
        if (ci.Low <= 0 && ci.High >= 0)
            return what + ": the interval includes 0, so these runs give no evidence that final RankMe predicts F1, as the paper found.";
        return what + $": the interval excludes 0, a {(row.Spearman > 0 ? "positive" : "negative")} rank correlation in these runs, unlike the paper's finding" +
               (row.Runs < 20 ? " (with few runs and tiny budgets: read it with care)." : ".");
    }

    static string Validation(string key) => key == ImbalanceGrid.NaturalKey ? "natural validation split" : $"{key} % validation subset";
    static string N(double v) => double.IsNaN(v) ? "–" : v.ToString("0.00", CultureInfo.InvariantCulture);
    static string Interval(ConfidenceInterval ci) => double.IsNaN(ci.Low) || double.IsNaN(ci.High) ? "–" : $"[{N(ci.Low)}, {N(ci.High)}]";
}
