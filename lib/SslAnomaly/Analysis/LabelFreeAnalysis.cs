using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Eval.LabelFree;
using SslAnomaly.Reporting;
using SslAnomaly.Util;

namespace SslAnomaly.Analysis;

/// <summary>Everything `ssl-anomaly analyze` computes from a folder of finished runs.</summary>
public sealed record LabelFreeAnalysisResult(
    string RunsDirectory,
    IReadOnlyList<AnalysisRun> Runs,
    IReadOnlyList<CorrelationRow> Correlations,
    IReadOnlyList<SelectionPick> Picks,
    IReadOnlyList<SelectionSummary> Regret,
    IReadOnlyList<PriorShiftRow> PriorShift,
    IReadOnlyList<PriorShiftSummary> PriorShiftSummary)
{
    /// <summary>The split every F1 of the analysis is read on: test where every run scored it (<see cref="Experiments.RunResult.ReportedSplit"/>).</summary>
    public SewerMlSplit ReportedSplit { get; init; } = SewerMlSplit.Val;

    /// <summary>The split the floor verdicts, and so the "runs that beat the floor" group, are judged on: always validation.</summary>
    public SewerMlSplit FloorVerdictSplit => SewerMlSplit.Val;

    /// <summary>
    /// The "runs that beat the floor" group was chosen on the split whose F1 it is correlated with (the runs have no test
    /// split): selection on the outcome, which truncates F1's range and biases the correlation. The group is then shown,
    /// marked, and kept out of the verdict.
    /// </summary>
    public bool LearnedGroupSelectedOnOutcome => ReportedSplit == FloorVerdictSplit;

    /// <summary>How firm the pooled ranking of metrics is, per validation key (<see cref="RankingStability"/>).</summary>
    public IReadOnlyList<RankingStability> RankingStability { get; init; } = [];

    /// <summary>The best label-free selector against the others, per validation key (<see cref="SelectorComparison"/>).</summary>
    public IReadOnlyList<SelectorComparison> SelectorComparisons { get; init; } = [];

    /// <summary>The bootstrap every interval of the analysis was drawn with.</summary>
    public BootstrapOptions Bootstrap { get; init; } = BootstrapOptions.Default;

    /// <summary>Pretraining runs with label-free metrics.</summary>
    public int MeasuredRuns => Runs.Count(r => r.Epochs.Count > 0);
    /// <summary>The experimental cells those runs come from (<see cref="AnalysisRun.Cell"/>): the independent units.</summary>
    public int MeasuredCells => Runs.Where(r => r.Epochs.Count > 0).Select(r => r.Cell).Distinct(StringComparer.Ordinal).Count();
    /// <summary>Of those, the runs better than their backbone's random-init floor (<see cref="RunGroup.Learned"/>).</summary>
    public int LearnedRuns => Runs.Count(r => r.Epochs.Count > 0 && r.FloorVerdict == FloorVerdict.Better);

    /// <summary>Pretraining runs with label-free metrics, counted by their verdict against the floor (runs without a floor left out).</summary>
    public IReadOnlyDictionary<FloorVerdict, int> FloorVerdictCounts =>
        Enum.GetValues<FloorVerdict>().ToDictionary(v => v, v => Runs.Count(r => r.Epochs.Count > 0 && r.FloorVerdict == v));
    public bool PerEpochProbe => Runs.Any(r => r.ProbedEveryEpoch);
}

/// <summary>
/// The label-free study end to end (docs/label-free.md): which label-free metric predicts probe F1
/// (<see cref="MetricCorrelations"/>, <see cref="Analysis.RankingStability"/>), what choosing a model by it costs
/// (<see cref="ModelSelection"/>, <see cref="SelectorComparison"/>), and how the probe fares when the field's defect
/// share is unknown (<see cref="PriorShiftStudy"/>); tables as CSV and markdown, figures as offline plotly HTML. Every
/// interval resamples experimental cells, then runs within them (<see cref="CellBootstrap"/>).
/// </summary>
public static class LabelFreeAnalysis
{
    public static LabelFreeAnalysisResult Run(string runsDir, BootstrapOptions? bootstrap = null)
    {
        bootstrap ??= BootstrapOptions.Default;
        var runs = WithFloorVerdicts(AnalysisRun.ReadAll(runsDir), bootstrap);
        var measured = runs.Where(r => r.Epochs.Count > 0).ToList();
        if (measured.Count == 0)
            throw new UserInputException($"--runs {runsDir}: none of the {runs.Count} finished run(s) logged label-free metrics (metrics.csv with rankme/ and labelfree/ curves); random-init floors and failed runs have none.");
        var correlations = MetricCorrelations.Compute(measured, bootstrap);
        var picks = ModelSelection.Picks(measured);
        var regret = ModelSelection.Summarise(picks, bootstrap);
        var prior = PriorShiftStudy.Evaluate(runs);
        return new LabelFreeAnalysisResult(Path.GetFullPath(runsDir), runs, correlations, picks, regret, prior, PriorShiftStudy.Summarise(prior))
        {
            ReportedSplit = runs.Any(r => r.Summary.ScoredSplit == SewerMlSplit.Test) ? SewerMlSplit.Test : SewerMlSplit.Val,
            RankingStability = MetricCorrelations.Targets.Select(k => Analysis.RankingStability.Compute(measured, k, bootstrap)).OfType<RankingStability>().ToList(),
            SelectorComparisons = MetricCorrelations.Targets.Select(k => SelectorComparison.Compute(picks, regret, k, bootstrap)).OfType<SelectorComparison>().ToList(),
            Bootstrap = bootstrap,
        };
    }

    /// <summary>The family the floor verdicts' q-values run over, as the ranking's text names it.</summary>
    public const string FloorFamilyName = "the natural-split F1 of every run in the folder, on validation";

    /// <summary>
    /// Each pretraining run with its verdict against the random-init floor of its backbone on the natural validation split
    /// (the only subset compared). The verdict groups runs for the ranking, which is measured on test: a group chosen by
    /// the F1 it is then correlated with would select on the outcome. Runs without a test split share one split, and the
    /// report marks the group as selected on the outcome (<see cref="LabelFreeAnalysisResult.LearnedGroupSelectedOnOutcome"/>).
    /// </summary>
    static IReadOnlyList<AnalysisRun> WithFloorVerdicts(IReadOnlyList<AnalysisRun> runs, BootstrapOptions? bootstrap)
    {
        var summaries = runs.Select(r => r.Summary.On(SewerMlSplit.Val)).ToList();
        var floors = FloorComparisons.Compute(summaries, bootstrap, validationKeys: [ImbalanceGrid.NaturalKey]);
        var family = floors.Family(FloorFamilyName, summaries, [ImbalanceGrid.NaturalKey], ["f1"]);
        return runs.Select((r, i) => r with { Floor = family.Of(summaries[i], ImbalanceGrid.NaturalKey, "f1") }).ToList();
    }

    /// <summary>Writes the tables and figures into <paramref name="outDir"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(LabelFreeAnalysisResult result, string outDir)
    {
        Directory.CreateDirectory(Path.Combine(outDir, "figures"));
        var written = new List<string>();
        void Text(string name, string content)
        {
            var path = Path.Combine(outDir, name);
            AtomicFile.WriteAllText(path, content);
            written.Add(path);
        }
        Text("correlations.csv", CorrelationsCsv(result.Correlations));
        Text("ranking.csv", RankingCsv(result.Correlations));
        Text("ranking.md", RankingMarkdown(result));
        Text("selection.csv", SelectionCsv(result.Picks));
        Text("regret.md", RegretMarkdown(result));
        Text("prior-shift.csv", PriorShiftCsv(result.PriorShift));
        Text("prior-shift.md", PriorShiftMarkdown(result));
        Text("analysis.json", ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Text(PlotlyHtml.ScriptFile, PlotlyHtml.PlotlyJs);
        foreach (var (name, title, figure) in Figures(result))
            Text(Path.Combine("figures", name + ".html"), PlotlyHtml.Page(figure, title, "../" + PlotlyHtml.ScriptFile));
        return written;
    }

    /// <summary>Every figure of <see cref="LabelFreeFigures.All"/>, drawn from the analysis.</summary>
    public static IReadOnlyList<DrawnFigure> Figures(LabelFreeAnalysisResult result) =>
        LabelFreeFigures.All.SelectMany(f => f.Draw(result)).ToList();

    /// <summary>The metrics ordered by |pooled Spearman| at a validation key (NaN last).</summary>
    public static IReadOnlyList<CorrelationRow> Ranking(IReadOnlyList<CorrelationRow> correlations, string validationKey) =>
        correlations.Where(c => c.ValidationKey == validationKey && c.Group == RunGroup.Pooled)
            .OrderBy(c => double.IsNaN(c.Spearman) ? 1 : 0).ThenByDescending(c => Math.Abs(c.Spearman)).ThenBy(c => c.Metric.Key, StringComparer.Ordinal).ToList();

    /// <summary>The split the F1 values are read on, as the text names it.</summary>
    static string SplitName(SewerMlSplit split) => split == SewerMlSplit.Test ? "held-out test" : "validation";

    static string SetName(SewerMlSplit split) => split == SewerMlSplit.Test ? "test" : "validation";

    /// <summary>Replicates and resampling unit, as every interval's legend names them.</summary>
    static string BootstrapLegend(LabelFreeAnalysisResult result) =>
        $"95 % two-sided percentile intervals from a cell bootstrap ({result.Bootstrap.Replicates} replicates: cells of method x backbone x train share x resolution " +
        "resampled with replacement, then runs within each drawn cell; runs of one cell, seeds or hyper-parameter variants, are not independent evidence)";

    /// <summary>How the "runs that beat the floor" group was chosen, and what that means for its correlations.</summary>
    public static string LearnedGroupNote(LabelFreeAnalysisResult result) => result.LearnedGroupSelectedOnOutcome
        ? $"\"Runs that beat the floor\" keeps the {result.LearnedRuns} run(s) whose natural-split F1 is better than the random-init floor of their backbone " +
          $"(two-sided paired bootstrap, Benjamini-Hochberg q < 0.05 over {FloorFamilyName}). These runs have no held-out test split, so the group is chosen " +
          "on the same validation F1 it is then correlated with: **selected on the outcome** (it truncates F1's range). Its column is shown for reference and " +
          "the verdict does not use it; runs that score the test split give an honest one. " +
          $"Against the floor: {FloorCounts(result)}."
        : $"\"Runs that beat the floor\" keeps the {result.LearnedRuns} run(s) whose natural-split F1 on **validation** is better than the random-init floor of their backbone " +
          $"(two-sided paired bootstrap, Benjamini-Hochberg q < 0.05 over {FloorFamilyName}): over runs that learned nothing a correlation is noise. " +
          "The group is chosen on validation and correlated with test F1, so it is not selected on the outcome. " +
          $"Against the floor: {FloorCounts(result)}.";

    static string LearnedColumn(LabelFreeAnalysisResult result) =>
        result.LearnedGroupSelectedOnOutcome ? "Spearman, runs that beat the floor (selected on the outcome)" : "Spearman, runs that beat the floor (chosen on validation)";

    public static string RankingMarkdown(LabelFreeAnalysisResult result)
    {
        var text = new StringBuilder();
        var groups = result.Correlations.Select(c => c.Group).Distinct().ToList();
        var columns = groups.Where(g => g.Kind is "learned" or "backbone").ToList();
        var families = groups.Where(g => g.Kind == "family").ToList();
        text.AppendLine($"# Which label-free metric predicts probe F1?\n\n{result.MeasuredRuns} pretraining runs with label-free metrics (of {result.Runs.Count} finished) " +
                        $"in {result.MeasuredCells} cells under `{result.RunsDirectory}`; F1 on the {SplitName(result.ReportedSplit)} split. " +
                        $"Spearman rho and Kendall tau-b of each metric's last-epoch value against the finished probe's F1, with {BootstrapLegend(result)}; " +
                        $"rows by |pooled rho|. Fewer than {MetricCorrelations.MinimumRuns} runs in a group: no value. " +
                        "Groups are never chosen by the F1 they are correlated with: backbone and method family are set before training." +
                        (groups.Contains(RunGroup.Learned) ? " " + LearnedGroupNote(result) : "") + "\n");
        foreach (var key in MetricCorrelations.Targets)
        {
            var ranking = Ranking(result.Correlations, key);
            if (ranking.Count == 0) continue;
            var stability = result.RankingStability.FirstOrDefault(r => r.ValidationKey == key);
            int family = ranking.Select(r => r.Family).DefaultIfEmpty(1).Max();
            text.AppendLine($"## F1 on the {LabelFreeFigures.KeyLabel(key)} {SetName(result.ReportedSplit)} set\n");
            text.AppendLine($"| metric | features | runs | Spearman pooled | {string.Join(" | ", columns.Select(b => b == RunGroup.Learned ? LearnedColumn(result) : $"Spearman {b.Name}"))} | Kendall pooled | cells | " +
                            $"Spearman pooled, Bonferroni over {family} | rank [95 %] | first in |");
            text.AppendLine($"|---|---|---:|---:|{string.Concat(columns.Select(_ => "---:|"))}---:|---:|---:|---:|---:|");
            foreach (var row in ranking)
            {
                string Cell(RunGroup g) => result.Correlations.FirstOrDefault(c => c.Metric == row.Metric && c.Space == row.Space && c.ValidationKey == key && c.Group == g) is { } c
                    ? WithInterval(c.Spearman, c.SpearmanInterval) + (g == RunGroup.Learned ? $" (n={c.Runs} in {Cells(c.Cells)})" : "") : "";
                var place = stability?.Places.FirstOrDefault(p => p.Metric == row.Metric && p.Space == row.Space);
                text.AppendLine($"| {row.Metric.Display} | {row.SpaceLabel} | {row.Runs} | {WithInterval(row.Spearman, row.SpearmanInterval)} | " +
                                $"{string.Join(" | ", columns.Select(Cell))} | {WithInterval(row.KendallTauB, row.KendallInterval)} | {row.Cells} | " +
                                $"{WithInterval(row.Spearman, row.SpearmanSimultaneous)} | " +
                                $"{(place is null ? "-" : $"{Number(place.Rank, "0.#")} [{Number(place.RankInterval.Low, "0")}, {Number(place.RankInterval.High, "0")}]")} | " +
                                $"{(place is null ? "-" : $"{100 * place.ShareFirst:0} %")} |");
            }
            text.AppendLine();
            text.AppendLine(RankingNote(result, key) + "\n");
            if (families.Count > 0)
            {
                text.AppendLine($"Spearman rho within each method family ({LabelFreeFigures.KeyLabel(key)}):\n");
                text.AppendLine($"| metric | features | {string.Join(" | ", families.Select(f => f.Name))} |");
                text.AppendLine($"|---|---|{string.Concat(families.Select(_ => "---:|"))}");
                foreach (var row in ranking)
                    text.AppendLine($"| {row.Metric.Display} | {row.SpaceLabel} | " + string.Join(" | ", families.Select(f =>
                        result.Correlations.FirstOrDefault(c => c.Metric == row.Metric && c.Space == row.Space && c.ValidationKey == key && c.Group == f) is { } c
                            ? $"{Number(c.Spearman)} (n={c.Runs} in {Cells(c.Cells)})" : "")) + " |");
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    static string Cells(int n) => n == 1 ? "1 cell" : $"{n} cells";

    /// <summary>
    /// How many metrics were ranked, how many intervals exclude 0 against how many would by chance, and whether the first
    /// can be told from the runner-up (two-sided interval of the |rho| difference on the same cell resamples).
    /// </summary>
    public static string RankingNote(LabelFreeAnalysisResult result, string validationKey)
    {
        var pooled = result.Correlations.Where(c => c.ValidationKey == validationKey && c.Group == RunGroup.Pooled && c.Defined).ToList();
        if (pooled.Count == 0) return "";
        var text = new StringBuilder($"{pooled.Count} metric x feature combinations were tried on the same runs: at 95 % about " +
                                     $"{Multiplicity.ExpectedFalseExclusions(result.Bootstrap.Level, pooled.Count):0.0} pooled interval(s) would exclude 0 by chance alone; " +
                                     $"{pooled.Count(c => c.Excludes0)} do, {pooled.Count(c => c.Excludes0Simultaneously)} at the Bonferroni level " +
                                     $"{100 * Multiplicity.BonferroniLevel(result.Bootstrap.Level, pooled.Count):0.0##} % (family: the {pooled.Count} pooled correlations at this split).");
        if (result.RankingStability.FirstOrDefault(r => r.ValidationKey == validationKey) is { First: { } first, RunnerUp: { } second } stability)
            text.Append($" {first.Display} ranks first, in {100 * first.ShareFirst:0} % of the cell resamples (rank interval [{Number(first.RankInterval.Low, "0")}, {Number(first.RankInterval.High, "0")}]); " +
                        $"against the runner-up {second.Display}, |rho| differs by {Number(stability.FirstMinusRunnerUp)} [{Number(stability.FirstMinusRunnerUpInterval.Low)}, {Number(stability.FirstMinusRunnerUpInterval.High)}] " +
                        $"(two-sided 95 %): {(stability.FirstTellsFromRunnerUp ? "the first is ahead" : "cannot be told apart")}.");
        return text.ToString();
    }

    public static string RegretMarkdown(LabelFreeAnalysisResult result)
    {
        var text = new StringBuilder("# Model selection without labels: F1 regret\n\n");
        text.AppendLine(result.PerEpochProbe
            ? "Candidates: every epoch of every run in a group (method, backbone, train share, seed), hyper-parameter settings included; F1 of the per-epoch probe on validation (the only split it scores). "
            : "Candidates: the finished runs of each group (method, backbone, train share, seed), which differ in a hyper-parameter; the runs did not probe every epoch " +
              $"(set SSL_ANOMALY_PROBE_EVERY_EPOCH=1 when running them to choose epochs too); F1 of the finished probe on the {SplitName(result.ReportedSplit)} split. ");
        text.AppendLine("Each metric picks the candidate it prefers; regret = the best candidate's probe F1 (chosen with labels) minus the picked one's. " +
                        $"Mean regret with {BootstrapLegend(result)}: groups (seeds) of one cell are resampled within it. " +
                        "The random pick and the last epoch are references, not selectors tried.\n");
        if (result.Regret.Count == 0)
        {
            text.AppendLine("No group offers a choice (each needs two or more candidates with a probe F1).");
            return text.ToString();
        }
        foreach (var key in MetricCorrelations.Targets)
        {
            var rows = result.Regret.Where(r => r.ValidationKey == key).ToList();
            if (rows.Count == 0) continue;
            text.AppendLine($"## F1 on the {LabelFreeFigures.KeyLabel(key)} {SetName(result.PerEpochProbe ? SewerMlSplit.Val : result.ReportedSplit)} set\n");
            text.AppendLine("| selector | groups | cells | mean regret [95 %] | max regret | mean F1 picked | mean F1 best |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in rows)
                text.AppendLine($"| {r.Selector}{(r.IsReference ? " (reference)" : "")} | {r.Groups} | {r.Cells} | {Regret(r)} | {Number(r.MaxRegret, "0.000")} | " +
                                $"{Number(r.MeanPickedF1, "0.000")} | {Number(r.MeanBestF1, "0.000")} |");
            text.AppendLine();
            if (result.SelectorComparisons.FirstOrDefault(c => c.ValidationKey == key) is { } comparison)
                text.AppendLine(ComparisonText(comparison, rows) + "\n");
        }
        return text.ToString();
    }

    static string Regret(SelectionSummary s) =>
        $"{Number(s.MeanRegret, "0.000")} [{Number(s.MeanRegretInterval.Low, "0.000")}, {Number(s.MeanRegretInterval.High, "0.000")}]";

    static string Difference(RegretDifference d) =>
        $"{Number(d.Difference, "+0.000;-0.000;0.000")} [{Number(d.Interval.Low, "+0.000;-0.000;0.000")}, {Number(d.Interval.High, "+0.000;-0.000;0.000")}]";

    /// <summary>
    /// The best selector's claim, sized by how many were tried: "best of N", its regret and interval, the share of resamples
    /// in which it stays best, its two-sided difference from the runner-up, how many others it cannot be told apart from at
    /// the Bonferroni level, and its difference from a random pick.
    /// </summary>
    public static string ComparisonText(SelectorComparison c, IReadOnlyList<SelectionSummary> summaries)
    {
        var text = new StringBuilder($"Best of {c.Tried} label-free selector(s) tried: {c.Best.Selector}, mean regret {Regret(c.Best)} over {c.Best.Groups} group(s) in {Cells(c.Best.Cells)}; " +
                                     $"least in {100 * c.ShareBest:0} % of the cell resamples.");
        if (c.AgainstRunnerUp is { } up)
        {
            var runnerUp = summaries.First(s => s.Selector == up.Other);
            text.Append($" Against the runner-up {up.Other} ({Regret(runnerUp)}): difference {Difference(up)} (two-sided 95 %, paired on the same resamples): " +
                        $"{(up.Excludes0 ? "the best is ahead" : "cannot be told apart")}.");
        }
        if (c.AgainstOthers.Count > 0)
            text.Append($" Multiplicity: at the Bonferroni level {100 * c.SimultaneousLevel:0.0##} % over its {c.AgainstOthers.Count} comparison(s) with the other selectors " +
                        $"(family: the best against every other label-free selector), it cannot be told apart from {c.CannotTellApart} of the {c.AgainstOthers.Count}.");
        if (c.AgainstRandom is { } random && summaries.FirstOrDefault(s => s.Selector == ModelSelection.Random) is { } r)
            text.Append($" Against a random pick ({Regret(r)}): difference {Difference(random)} (two-sided 95 %): " +
                        $"{(random.Excludes0 ? (random.Difference < 0 ? "the best selects better than chance" : "the best selects worse than chance") : "cannot be told from chance")}.");
        return text.ToString();
    }

    public static string PriorShiftMarkdown(LabelFreeAnalysisResult result)
    {
        var text = new StringBuilder("# When the defect share in the field is unknown\n\n");
        text.AppendLine("The probe is trained with pos_weight (1-p)/p, so it decides as if half the images were defects (effective training prior 0.5). " +
                        "EM (Saerens et al. 2002) estimates each validation subset's defect share from the probe's unlabelled scores; the logits are then shifted by " +
                        "log(pi/0.5) - log((1-pi)/0.5). Mean over runs.\n");
        if (result.PriorShiftSummary.Count == 0) return text.AppendLine("No completed run with validation predictions.").ToString();
        text.AppendLine("| validation | true share | EM estimate | rule | F1 | precision | recall |");
        text.AppendLine("|---|---:|---:|---|---:|---:|---:|");
        foreach (var s in result.PriorShiftSummary)
            text.AppendLine($"| {LabelFreeFigures.KeyLabel(s.ValidationKey)} | {100 * s.TrueShare:0.0} % | {100 * s.EstimatedShare:0.0} % | {PriorShiftStudy.Display(s.Rule)} | " +
                            $"{Number(s.F1, "0.000")} | {Number(s.Precision, "0.000")} | {Number(s.Recall, "0.000")} |");
        text.AppendLine();
        var gains = F1Gains(result.PriorShiftSummary).ToList();
        if (gains.Count > 0)
            text.AppendLine("F1 gain of the EM adjustment over p >= 0.5: " + string.Join(", ", gains.Select(g => $"{LabelFreeFigures.KeyLabel(g.Key)} {g.Gain:+0.000;-0.000}")) + ".");
        return text.ToString();
    }

    /// <summary>Mean F1 of the EM-adjusted rule minus that of the rule as trained, per validation key.</summary>
    public static IEnumerable<(string Key, double Gain)> F1Gains(IReadOnlyList<PriorShiftSummary> summary) =>
        summary.GroupBy(s => s.ValidationKey).Select(g => (g.Key,
            Em: g.FirstOrDefault(s => s.Rule == DecisionRule.EmAdjusted), Base: g.FirstOrDefault(s => s.Rule == DecisionRule.AsTrained)))
            .Where(g => g.Em is not null && g.Base is not null).Select(g => (g.Key, g.Em!.F1 - g.Base!.F1));

    /// <summary>
    /// What the numbers say, in sentences computed from them: the metrics whose pooled interval (natural split) excludes 0,
    /// RankMe's own interval, the selector of least mean regret against a random pick, and the EM adjustment's F1 gain.
    /// </summary>
    public static string Verdict(LabelFreeAnalysisResult result) =>
        string.Join(" ", new[] { CorrelationVerdict(result), SelectionVerdict(result), PriorShiftVerdict(result) }.Where(s => s.Length > 0));

    /// <summary>
    /// The statistical design in sentences, for the report page: the split the F1 is read on, how the groups were chosen,
    /// the resampling unit, and what multiplicity does to a "best" metric or selector.
    /// </summary>
    public static string StatisticsNote(LabelFreeAnalysisResult result) =>
        $"Every F1 is the probe's on the {SplitName(result.ReportedSplit)} split. Every interval is a two-sided 95 % percentile interval from a cell bootstrap " +
        $"({result.Bootstrap.Replicates} replicates) over {Cells(result.MeasuredCells)}: a cell is a method x backbone x train share x resolution; cells are drawn " +
        "with replacement, then runs (or selection groups) within each drawn cell, so seeds and hyper-parameter variants of one cell count as one unit of evidence. " +
        "Run groups are never chosen by the F1 they are correlated with: backbone and method family are fixed before training; the runs that beat the floor are " +
        (result.LearnedGroupSelectedOnOutcome
            ? "chosen on the same validation split as the F1 here (no test split), so that group is selected on the outcome and left out of the verdict. "
            : "chosen by their verdict on validation, and correlated with test F1. ") +
        "Many metrics and selectors are tried on the same runs: the ranking gives each metric's rank interval and the first against the runner-up, " +
        "Bonferroni intervals cover the family of every metric tried in a group, and the best selector is compared two-sided with the runner-up and, at the " +
        "Bonferroni level, with every other selector. A best that cannot be told apart from the others is a tie, not a finding.";

    /// <summary>
    /// The metrics whose interval (natural split) excludes 0, pooled and over the runs that beat their floor, with the
    /// number of metrics tried and which survive Bonferroni over them, and RankMe's own interval. The group of runs that
    /// beat the floor is used only where it was chosen on another split than the F1 (validation against test).
    /// </summary>
    public static string CorrelationVerdict(LabelFreeAnalysisResult result)
    {
        var text = new StringBuilder();
        var natural = Ranking(result.Correlations, ImbalanceGrid.NaturalKey);
        text.Append($"Over {result.MeasuredRuns} pretraining runs in {Cells(result.MeasuredCells)} (F1 on the {SplitName(result.ReportedSplit)} split; intervals resample cells, then runs), ");
        text.Append(Excluding0(natural, "pooled"));
        if (natural.FirstOrDefault(r => r.Metric == LabelFreeMetrics.RankMe && r.Space == FeatureSpace.Backbone) is { } rankMe && !double.IsNaN(rankMe.Spearman))
            text.Append($" RankMe (backbone): rho {Number(rankMe.Spearman)} [{Number(rankMe.SpearmanInterval.Low)}, {Number(rankMe.SpearmanInterval.High)}].");
        var learned = result.Correlations.Where(c => c.ValidationKey == ImbalanceGrid.NaturalKey && c.Group == RunGroup.Learned).ToList();
        if (learned.Count > 0 && learned.Any(c => !double.IsNaN(c.Spearman)))
            text.Append(result.LearnedGroupSelectedOnOutcome
                ? $" The {result.LearnedRuns} runs that beat their floor were chosen on the F1 they would be correlated with (no test split): selected on the outcome, left out of this verdict."
                : $" Over the {result.LearnedRuns} runs that beat their floor, {Excluding0(learned, "")} (The group follows each run's validation verdict; its F1 is on test.)");
        return text.ToString();
    }

    /// <summary>"4 better, 0 worse, 3 cannot be told apart".</summary>
    public static string FloorCounts(LabelFreeAnalysisResult result)
    {
        var counts = result.FloorVerdictCounts;
        return $"{counts[FloorVerdict.Better]} better, {counts[FloorVerdict.Worse]} worse, {counts[FloorVerdict.CannotTell]} cannot be told apart";
    }

    static string Excluding0(IReadOnlyList<CorrelationRow> rows, string kind)
    {
        var defined = rows.Where(r => r.Defined).ToList();
        var clear = defined.Where(r => r.Excludes0).OrderByDescending(r => Math.Abs(r.Spearman)).ToList();
        var interval = kind.Length == 0 ? "interval" : $"{kind} interval";
        string tried = $"of {defined.Count} metric x feature combination(s) tried";
        if (clear.Count == 0)
            return $"no label-free metric ({tried}) has a {interval} of Spearman's rho that excludes 0 on the natural split: none predicts F1 with confidence on these runs.";
        var surviving = clear.Where(r => r.Excludes0Simultaneously).ToList();
        double level = defined.Count == 0 ? double.NaN : Multiplicity.BonferroniLevel(clear[0].SpearmanInterval.Level, defined.Count);
        return $"{string.Join("; ", clear.Select(r => $"{ModelSelection.SelectorName(r.Metric, r.Space)} rho {Number(r.Spearman)} [{Number(r.SpearmanInterval.Low)}, {Number(r.SpearmanInterval.High)}]"))} " +
               $"{(clear.Count == 1 ? $"has a {interval}" : $"have {interval}s")} that exclude 0 on the natural split ({clear.Count} {tried}, about " +
               $"{Multiplicity.ExpectedFalseExclusions(clear[0].SpearmanInterval.Level, defined.Count):0.0} expected by chance; " +
               $"{(surviving.Count == 0 ? "none" : string.Join(", ", surviving.Select(r => ModelSelection.SelectorName(r.Metric, r.Space))))} " +
               $"still at the Bonferroni level {100 * level:0.0##} % over the {defined.Count}).";
    }

    /// <summary>The best of the label-free selectors tried (natural split), sized by how many were tried; empty when no group offered a choice.</summary>
    public static string SelectionVerdict(LabelFreeAnalysisResult result)
    {
        var comparison = result.SelectorComparisons.FirstOrDefault(c => c.ValidationKey == ImbalanceGrid.NaturalKey);
        if (comparison is null) return "";
        var regret = result.Regret.Where(r => r.ValidationKey == ImbalanceGrid.NaturalKey).ToList();
        var rankMe = regret.FirstOrDefault(r => r.Selector == ModelSelection.SelectorName(LabelFreeMetrics.RankMe, FeatureSpace.Backbone));
        return "Choosing a model: " + ComparisonText(comparison, regret) +
               (rankMe is null || rankMe.Selector == comparison.Best.Selector ? "" : $" RankMe (backbone): {Regret(rankMe)}.");
    }

    /// <summary>The EM adjustment's F1 gain at 1, 5 and 45 %.</summary>
    public static string PriorShiftVerdict(LabelFreeAnalysisResult result)
    {
        var gains = F1Gains(result.PriorShiftSummary).Where(g => g.Key is "1" or "5" or "45").ToList();
        return gains.Count == 0 ? ""
            : "The EM prior adjustment changes F1 by " + string.Join(", ", gains.Select(g => $"{g.Gain:+0.000;-0.000} at {LabelFreeFigures.KeyLabel(g.Key)}")) + ".";
    }

    public static string CorrelationsCsv(IReadOnlyList<CorrelationRow> rows)
    {
        var text = new StringBuilder("metric,features,validation,group,runs,cells,spearman,spearman_low,spearman_high,kendall_tau_b,kendall_low,kendall_high,family,spearman_bonferroni_low,spearman_bonferroni_high\n");
        foreach (var r in rows)
            text.AppendLine(string.Join(',', r.Metric.Key, r.SpaceLabel, r.ValidationKey, Csv(r.Group.Label), Inv(r.Runs), Inv(r.Cells),
                Inv(r.Spearman), Inv(r.SpearmanInterval.Low), Inv(r.SpearmanInterval.High), Inv(r.KendallTauB), Inv(r.KendallInterval.Low), Inv(r.KendallInterval.High),
                Inv(r.Family), Inv(r.SpearmanSimultaneous.Low), Inv(r.SpearmanSimultaneous.High)));
        return text.ToString();
    }

    public static string RankingCsv(IReadOnlyList<CorrelationRow> rows)
    {
        var text = new StringBuilder("rank,validation,metric,features,runs,cells,spearman,spearman_low,spearman_high,kendall_tau_b,kendall_low,kendall_high,family,spearman_bonferroni_low,spearman_bonferroni_high\n");
        foreach (var key in MetricCorrelations.Targets)
            foreach (var (r, i) in Ranking(rows, key).Select((r, i) => (r, i)))
                text.AppendLine(string.Join(',', Inv(i + 1), key, r.Metric.Key, r.SpaceLabel, Inv(r.Runs), Inv(r.Cells), Inv(r.Spearman), Inv(r.SpearmanInterval.Low),
                    Inv(r.SpearmanInterval.High), Inv(r.KendallTauB), Inv(r.KendallInterval.Low), Inv(r.KendallInterval.High),
                    Inv(r.Family), Inv(r.SpearmanSimultaneous.Low), Inv(r.SpearmanSimultaneous.High)));
        return text.ToString();
    }

    public static string SelectionCsv(IReadOnlyList<SelectionPick> picks)
    {
        var text = new StringBuilder("group,cell,validation,selector,candidates,picked,picked_f1,best,best_f1,regret\n");
        foreach (var p in picks)
            text.AppendLine(string.Join(',', Csv(p.Group), Csv(p.Cell), p.ValidationKey, Csv(p.Selector), Inv(p.Candidates), Csv(p.Picked), Inv(p.PickedF1), Csv(p.Best), Inv(p.BestF1), Inv(p.Regret)));
        return text.ToString();
    }

    public static string PriorShiftCsv(IReadOnlyList<PriorShiftRow> rows)
    {
        var text = new StringBuilder("run,method,backbone,validation,true_share,estimated_share,rule,f1,precision,recall\n");
        foreach (var r in rows)
            text.AppendLine(string.Join(',', Csv(r.Run), r.Method, r.Backbone, r.ValidationKey, Inv(r.TrueShare), Inv(r.EstimatedShare), RuleKey(r.Rule), Inv(r.F1), Inv(r.Precision), Inv(r.Recall)));
        return text.ToString();
    }

    /// <summary>The machine-readable result (--json, analysis.json): snake_case keys, NaN as null.</summary>
    public static JsonObject ToJson(LabelFreeAnalysisResult result)
    {
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        return new JsonObject
        {
            ["runs_directory"] = result.RunsDirectory,
            ["runs"] = result.Runs.Count,
            ["measured_runs"] = result.MeasuredRuns,
            ["measured_cells"] = result.MeasuredCells,
            ["f1_split"] = result.ReportedSplit.Id(),
            ["floor_verdict_split"] = result.FloorVerdictSplit.Id(),
            ["learned_group_selected_on_outcome"] = result.LearnedGroupSelectedOnOutcome,
            ["bootstrap"] = new JsonObject
            {
                ["replicates"] = result.Bootstrap.Replicates, ["level"] = result.Bootstrap.Level, ["seed"] = result.Bootstrap.Seed,
                ["unit"] = "cell (method x backbone x train share x resolution), then runs within a drawn cell",
            },
            ["per_epoch_probe"] = result.PerEpochProbe,
            ["per_run"] = new JsonArray(result.Runs.Select(r => (JsonNode)new JsonObject
            {
                ["run"] = r.Summary.RunDirectory, ["label"] = r.Label, ["cell"] = r.Cell, ["steps"] = r.Epochs.Count == 0 ? null : r.Epochs[^1].Step,
                ["f1_split"] = r.Summary.ScoredSplit.Id(),
                ["f1_natural"] = r.FinalF1(ImbalanceGrid.NaturalKey) is { } f1 ? N(f1) : null,
                ["f1_natural_ci95"] = r.Summary.Interval(ImbalanceGrid.NaturalKey, "f1") is { } ci ? new JsonArray(N(ci.Low), N(ci.High)) : null,
                // Threshold-free beside F1: the ranking the probe shares with the detectors without defect labels (AUPRC's chance level is the defect share).
                ["auroc_natural"] = r.Summary.Metric(ImbalanceGrid.NaturalKey, "auroc") is { } auroc ? N(auroc) : null,
                ["auroc_natural_ci95"] = r.Summary.Interval(ImbalanceGrid.NaturalKey, "auroc") is { } rocCi ? new JsonArray(N(rocCi.Low), N(rocCi.High)) : null,
                ["auprc_natural"] = r.Summary.Metric(ImbalanceGrid.NaturalKey, "auprc") is { } auprc ? N(auprc) : null,
                ["auprc_natural_ci95"] = r.Summary.Interval(ImbalanceGrid.NaturalKey, "auprc") is { } prCi ? new JsonArray(N(prCi.Low), N(prCi.High)) : null,
                ["floor_verdict"] = r.FloorVerdict?.Name(),
                ["floor_verdict_split"] = r.Floor is null ? null : result.FloorVerdictSplit.Id(),
                ["floor_comparison"] = r.Floor is { } t ? new JsonObject
                {
                    ["floor_run"] = t.FloorOf(r.Summary).RunDirectory, ["seeds"] = t.Runs.Count, ["family"] = FloorFamilyName,
                    ["difference"] = N(t.Comparison.Difference),
                    ["difference_ci95"] = new JsonArray(N(t.Comparison.DifferenceInterval.Low), N(t.Comparison.DifferenceInterval.High)),
                    ["p"] = N(t.Comparison.PValue), ["q"] = N(t.Q), ["verdict"] = t.Verdict.Name(),
                } : null,
            }).ToArray()),
            ["ranking"] = new JsonArray(MetricCorrelations.Targets.SelectMany(k => Ranking(result.Correlations, k)).Select(r => (JsonNode)new JsonObject
            {
                ["validation"] = r.ValidationKey, ["metric"] = r.Metric.Key, ["features"] = r.SpaceLabel, ["runs"] = r.Runs, ["cells"] = r.Cells,
                ["spearman"] = N(r.Spearman), ["spearman_ci"] = new JsonArray(N(r.SpearmanInterval.Low), N(r.SpearmanInterval.High)),
                ["family"] = r.Family, ["spearman_ci_bonferroni"] = new JsonArray(N(r.SpearmanSimultaneous.Low), N(r.SpearmanSimultaneous.High)),
                ["kendall_tau_b"] = N(r.KendallTauB), ["kendall_ci"] = new JsonArray(N(r.KendallInterval.Low), N(r.KendallInterval.High)),
                ["rank_ci"] = result.RankingStability.FirstOrDefault(s => s.ValidationKey == r.ValidationKey)?.Places.FirstOrDefault(p => p.Metric == r.Metric && p.Space == r.Space) is { } place
                    ? new JsonArray(N(place.RankInterval.Low), N(place.RankInterval.High)) : null,
                ["share_first"] = result.RankingStability.FirstOrDefault(s => s.ValidationKey == r.ValidationKey)?.Places.FirstOrDefault(p => p.Metric == r.Metric && p.Space == r.Space) is { } first
                    ? N(first.ShareFirst) : null,
                ["by_group"] = new JsonObject(result.Correlations.Where(c => c.Metric == r.Metric && c.Space == r.Space && c.ValidationKey == r.ValidationKey && c.Group != RunGroup.Pooled)
                    .Select(c => KeyValuePair.Create(c.Group.Label, (JsonNode?)new JsonObject
                    {
                        ["runs"] = c.Runs, ["cells"] = c.Cells, ["spearman"] = N(c.Spearman), ["spearman_ci"] = new JsonArray(N(c.SpearmanInterval.Low), N(c.SpearmanInterval.High)),
                        ["kendall_tau_b"] = N(c.KendallTauB),
                        ["selected_on_outcome"] = c.Group == RunGroup.Learned && result.LearnedGroupSelectedOnOutcome,
                    }))),
            }).ToArray()),
            ["regret"] = new JsonArray(result.Regret.Select(r => (JsonNode)new JsonObject
            {
                ["validation"] = r.ValidationKey, ["selector"] = r.Selector, ["reference"] = r.IsReference, ["groups"] = r.Groups, ["cells"] = r.Cells,
                ["mean_regret"] = N(r.MeanRegret), ["mean_regret_ci"] = new JsonArray(N(r.MeanRegretInterval.Low), N(r.MeanRegretInterval.High)),
                ["max_regret"] = N(r.MaxRegret), ["mean_picked_f1"] = N(r.MeanPickedF1), ["mean_best_f1"] = N(r.MeanBestF1),
            }).ToArray()),
            ["ranking_stability"] = new JsonArray(result.RankingStability.Select(s => (JsonNode)new JsonObject
            {
                ["validation"] = s.ValidationKey, ["tried"] = s.Tried, ["cells"] = s.Cells,
                ["first"] = s.First?.Display, ["runner_up"] = s.RunnerUp?.Display,
                ["abs_rho_first_minus_runner_up"] = N(s.FirstMinusRunnerUp),
                ["abs_rho_first_minus_runner_up_ci"] = new JsonArray(N(s.FirstMinusRunnerUpInterval.Low), N(s.FirstMinusRunnerUpInterval.High)),
                ["first_share_of_resamples"] = s.First is { } f ? N(f.ShareFirst) : null,
            }).ToArray()),
            ["selector_comparison"] = new JsonArray(result.SelectorComparisons.Select(c => (JsonNode)new JsonObject
            {
                ["validation"] = c.ValidationKey, ["selectors_tried"] = c.Tried, ["groups"] = c.Groups, ["cells"] = c.Cells,
                ["best"] = c.Best.Selector, ["best_mean_regret"] = N(c.Best.MeanRegret),
                ["best_mean_regret_ci"] = new JsonArray(N(c.Best.MeanRegretInterval.Low), N(c.Best.MeanRegretInterval.High)),
                ["best_share_of_resamples"] = N(c.ShareBest),
                ["against_runner_up"] = DifferenceJson(c.AgainstRunnerUp),
                ["against_random"] = DifferenceJson(c.AgainstRandom),
                ["bonferroni_level"] = c.SimultaneousLevel, ["bonferroni_family"] = "the best against every other label-free selector",
                ["cannot_tell_apart_from"] = c.CannotTellApart, ["compared_with"] = c.AgainstOthers.Count,
            }).ToArray()),
            ["prior_shift"] = new JsonArray(result.PriorShiftSummary.Select(s => (JsonNode)new JsonObject
            {
                ["validation"] = s.ValidationKey, ["rule"] = RuleKey(s.Rule), ["runs"] = s.Runs, ["true_share"] = N(s.TrueShare),
                ["estimated_share"] = N(s.EstimatedShare), ["f1"] = N(s.F1), ["precision"] = N(s.Precision), ["recall"] = N(s.Recall),
            }).ToArray()),
            ["em_f1_gain"] = new JsonObject(F1Gains(result.PriorShiftSummary).Select(g => KeyValuePair.Create(g.Key, N(g.Gain)))),
        };
    }

    static JsonNode? DifferenceJson(RegretDifference? d)
    {
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        return d is null ? null : new JsonObject
        {
            ["other"] = d.Other, ["groups"] = d.Groups, ["difference"] = N(d.Difference),
            ["difference_ci95"] = new JsonArray(N(d.Interval.Low), N(d.Interval.High)),
            ["difference_ci_bonferroni"] = new JsonArray(N(d.Simultaneous.Low), N(d.Simultaneous.High)),
        };
    }

    public static string RuleKey(DecisionRule rule) => JsonNamingPolicy.SnakeCaseLower.ConvertName(rule.ToString());

    static string WithInterval(double value, ConfidenceInterval ci) =>
        double.IsNaN(value) ? "-" : $"{Number(value)} [{Number(ci.Low)}, {Number(ci.High)}]";

    static string Number(double v, string format = "0.00") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
    static string Inv(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
    static string Inv(int v) => v.ToString(CultureInfo.InvariantCulture);
    static string Csv(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
