using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    /// <summary>Pretraining runs with label-free metrics.</summary>
    public int MeasuredRuns => Runs.Count(r => r.Epochs.Count > 0);
    /// <summary>Of those, the runs better than their backbone's random-init floor (<see cref="RunGroup.Learned"/>).</summary>
    public int LearnedRuns => Runs.Count(r => r.Epochs.Count > 0 && r.FloorVerdict == FloorVerdict.Better);

    /// <summary>Pretraining runs with label-free metrics, counted by their verdict against the floor (runs without a floor left out).</summary>
    public IReadOnlyDictionary<FloorVerdict, int> FloorVerdictCounts =>
        Enum.GetValues<FloorVerdict>().ToDictionary(v => v, v => Runs.Count(r => r.Epochs.Count > 0 && r.FloorVerdict == v));
    public bool PerEpochProbe => Runs.Any(r => r.ProbedEveryEpoch);
}

/// <summary>
/// The label-free study end to end (docs/label-free.md): which label-free metric predicts probe F1
/// (<see cref="MetricCorrelations"/>), what choosing a model by it costs (<see cref="ModelSelection"/>), and how the probe
/// fares when the field's defect share is unknown (<see cref="PriorShiftStudy"/>); tables as CSV and markdown, figures as
/// offline plotly HTML.
/// </summary>
public static class LabelFreeAnalysis
{
    public static LabelFreeAnalysisResult Run(string runsDir, BootstrapOptions? bootstrap = null)
    {
        var runs = WithFloorVerdicts(AnalysisRun.ReadAll(runsDir), bootstrap);
        var measured = runs.Where(r => r.Epochs.Count > 0).ToList();
        if (measured.Count == 0)
            throw new UserInputException($"--runs {runsDir}: none of the {runs.Count} finished run(s) logged label-free metrics (metrics.csv with rankme/ and labelfree/ curves); random-init floors and failed runs have none.");
        var correlations = MetricCorrelations.Compute(measured, bootstrap);
        var picks = ModelSelection.Picks(measured);
        var prior = PriorShiftStudy.Evaluate(runs);
        return new LabelFreeAnalysisResult(Path.GetFullPath(runsDir), runs, correlations, picks, ModelSelection.Summarise(picks), prior, PriorShiftStudy.Summarise(prior));
    }

    /// <summary>The family the floor verdicts' q-values run over, as the ranking's text names it.</summary>
    public const string FloorFamilyName = "the natural-split F1 of every run in the folder, on validation";

    /// <summary>
    /// Each pretraining run with its verdict against the random-init floor of its backbone on the natural validation split
    /// (the only subset compared). The verdict groups runs for the ranking, which is measured on test: a group chosen by
    /// the F1 it is then correlated with would select on the outcome. Runs without a test split share one split, and the
    /// report says so.
    /// </summary>
    static IReadOnlyList<AnalysisRun> WithFloorVerdicts(IReadOnlyList<AnalysisRun> runs, BootstrapOptions? bootstrap)
    {
        var summaries = runs.Select(r => r.Summary.On(Data.SewerMlSplit.Val)).ToList();
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

    public static IReadOnlyList<(string Name, string Title, PlotlyFigure Figure)> Figures(LabelFreeAnalysisResult result)
    {
        var measured = result.Runs.Where(r => r.Epochs.Count > 0).ToList();
        return
        [
            ("scatter-natural", "Label-free metrics against F1 (natural)", LabelFreeFigures.ScatterGrid(measured, result.Correlations, ImbalanceGrid.NaturalKey)),
            ("scatter-5", "Label-free metrics against F1 (5 %)", LabelFreeFigures.ScatterGrid(measured, result.Correlations, "5")),
            ("calibration", "Estimated against true defect share", LabelFreeFigures.Calibration(result.PriorShift)),
            ("rules-by-share", "F1 by validation share and decision rule", LabelFreeFigures.RulesByShare(result.PriorShiftSummary)),
        ];
    }

    /// <summary>The metrics ordered by |pooled Spearman| at a validation key (NaN last).</summary>
    public static IReadOnlyList<CorrelationRow> Ranking(IReadOnlyList<CorrelationRow> correlations, string validationKey) =>
        correlations.Where(c => c.ValidationKey == validationKey && c.Group == RunGroup.Pooled)
            .OrderBy(c => double.IsNaN(c.Spearman) ? 1 : 0).ThenByDescending(c => Math.Abs(c.Spearman)).ThenBy(c => c.Metric.Key, StringComparer.Ordinal).ToList();

    public static string RankingMarkdown(LabelFreeAnalysisResult result)
    {
        var text = new StringBuilder();
        var groups = result.Correlations.Select(c => c.Group).Distinct().ToList();
        var columns = groups.Where(g => g.Kind is "learned" or "backbone").ToList();
        var families = groups.Where(g => g.Kind == "family").ToList();
        text.AppendLine($"# Which label-free metric predicts probe F1?\n\n{result.MeasuredRuns} pretraining runs with label-free metrics (of {result.Runs.Count} finished) under `{result.RunsDirectory}`. " +
                        "Spearman rho and Kendall tau-b of each metric's last-epoch value against the finished probe's F1, with 95 % bootstrap intervals over runs; " +
                        $"rows by |pooled rho|. Fewer than {MetricCorrelations.MinimumRuns} runs in a group: no value." +
                        (groups.Contains(RunGroup.Learned) ? $" \"Runs that beat the floor\" keeps the {result.LearnedRuns} run(s) whose natural-split F1 is better than the random-init floor of their backbone " +
                                                             $"(two-sided paired bootstrap, Benjamini-Hochberg q < 0.05 over {FloorFamilyName}): over runs that learned nothing a correlation is noise. " +
                                                             $"Against the floor: {FloorCounts(result)}." : "") + "\n");
        foreach (var key in MetricCorrelations.Targets)
        {
            var ranking = Ranking(result.Correlations, key);
            if (ranking.Count == 0) continue;
            text.AppendLine($"## F1 on the {LabelFreeFigures.KeyLabel(key)} validation set\n");
            text.AppendLine($"| metric | features | runs | Spearman pooled | {string.Join(" | ", columns.Select(b => b == RunGroup.Learned ? "Spearman, runs that beat the floor" : $"Spearman {b.Name}"))} | Kendall pooled |");
            text.AppendLine($"|---|---|---:|---:|{string.Concat(columns.Select(_ => "---:|"))}---:|");
            foreach (var row in ranking)
            {
                string Cell(RunGroup g) => result.Correlations.FirstOrDefault(c => c.Metric == row.Metric && c.Space == row.Space && c.ValidationKey == key && c.Group == g) is { } c
                    ? WithInterval(c.Spearman, c.SpearmanInterval) + (g == RunGroup.Learned ? $" (n={c.Runs})" : "") : "";
                text.AppendLine($"| {row.Metric.Display} | {row.SpaceLabel} | {row.Runs} | {WithInterval(row.Spearman, row.SpearmanInterval)} | " +
                                $"{string.Join(" | ", columns.Select(Cell))} | {WithInterval(row.KendallTauB, row.KendallInterval)} |");
            }
            text.AppendLine();
            if (families.Count > 0)
            {
                text.AppendLine($"Spearman rho within each method family ({LabelFreeFigures.KeyLabel(key)}):\n");
                text.AppendLine($"| metric | features | {string.Join(" | ", families.Select(f => f.Name))} |");
                text.AppendLine($"|---|---|{string.Concat(families.Select(_ => "---:|"))}");
                foreach (var row in ranking)
                    text.AppendLine($"| {row.Metric.Display} | {row.SpaceLabel} | " + string.Join(" | ", families.Select(f =>
                        result.Correlations.FirstOrDefault(c => c.Metric == row.Metric && c.Space == row.Space && c.ValidationKey == key && c.Group == f) is { } c
                            ? $"{Number(c.Spearman)} (n={c.Runs})" : "")) + " |");
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    public static string RegretMarkdown(LabelFreeAnalysisResult result)
    {
        var text = new StringBuilder("# Model selection without labels: F1 regret\n\n");
        text.AppendLine(result.PerEpochProbe
            ? "Candidates: every epoch of every run in a group (method, backbone, train share, seed), hyper-parameter settings included. "
            : "Candidates: the finished runs of each group (method, backbone, train share, seed), which differ in a hyper-parameter; the runs did not probe every epoch " +
              "(set SSL_ANOMALY_PROBE_EVERY_EPOCH=1 when running them to choose epochs too). ");
        text.AppendLine("Each metric picks the candidate it prefers; regret = the best candidate's probe F1 (chosen with labels) minus the picked one's.\n");
        if (result.Regret.Count == 0)
        {
            text.AppendLine("No group offers a choice (each needs two or more candidates with a probe F1).");
            return text.ToString();
        }
        foreach (var key in MetricCorrelations.Targets)
        {
            var rows = result.Regret.Where(r => r.ValidationKey == key).ToList();
            if (rows.Count == 0) continue;
            text.AppendLine($"## F1 on the {LabelFreeFigures.KeyLabel(key)} validation set\n");
            text.AppendLine("| selector | groups | mean regret | max regret | mean F1 picked | mean F1 best |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var r in rows)
                text.AppendLine($"| {r.Selector} | {r.Groups} | {Number(r.MeanRegret, "0.000")} | {Number(r.MaxRegret, "0.000")} | {Number(r.MeanPickedF1, "0.000")} | {Number(r.MeanBestF1, "0.000")} |");
            text.AppendLine();
        }
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

    /// <summary>The metrics whose interval (natural split) excludes 0, pooled and over the runs that beat their floor, and RankMe's own interval.</summary>
    public static string CorrelationVerdict(LabelFreeAnalysisResult result)
    {
        var text = new StringBuilder();
        var natural = Ranking(result.Correlations, ImbalanceGrid.NaturalKey);
        text.Append($"Over {result.MeasuredRuns} pretraining runs, ");
        text.Append(Excluding0(natural, "pooled"));
        if (natural.FirstOrDefault(r => r.Metric == LabelFreeMetrics.RankMe && r.Space == FeatureSpace.Backbone) is { } rankMe && !double.IsNaN(rankMe.Spearman))
            text.Append($" RankMe (backbone): rho {Number(rankMe.Spearman)} [{Number(rankMe.SpearmanInterval.Low)}, {Number(rankMe.SpearmanInterval.High)}].");
        var learned = result.Correlations.Where(c => c.ValidationKey == ImbalanceGrid.NaturalKey && c.Group == RunGroup.Learned).ToList();
        if (learned.Count > 0 && learned.Any(c => !double.IsNaN(c.Spearman)))
            text.Append($" Over the {result.LearnedRuns} runs that beat their floor, {Excluding0(learned, "")}");
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
        var clear = rows.Where(r => !double.IsNaN(r.Spearman) && (r.SpearmanInterval.Low > 0 || r.SpearmanInterval.High < 0))
            .OrderByDescending(r => Math.Abs(r.Spearman)).ToList();
        var interval = kind.Length == 0 ? "interval" : $"{kind} interval";
        return clear.Count == 0
            ? $"no label-free metric has a {interval} of Spearman's rho that excludes 0 on the natural split: none predicts F1 with confidence on these runs."
            : $"{string.Join("; ", clear.Select(r => $"{r.Metric.Display} ({r.SpaceLabel}) rho {Number(r.Spearman)} [{Number(r.SpearmanInterval.Low)}, {Number(r.SpearmanInterval.High)}]"))} " +
              $"{(clear.Count == 1 ? $"has a {interval}" : $"have {interval}s")} that exclude 0 on the natural split.";
    }

    /// <summary>The selector of least mean regret (natural split) against a random pick; empty when no group offered a choice.</summary>
    public static string SelectionVerdict(LabelFreeAnalysisResult result)
    {
        var regret = result.Regret.Where(r => r.ValidationKey == ImbalanceGrid.NaturalKey).ToList();
        var random = regret.FirstOrDefault(r => r.Selector == ModelSelection.Random);
        var best = regret.Where(r => r.Selector is not ModelSelection.Random and not ModelSelection.LastEpoch).OrderBy(r => r.MeanRegret).FirstOrDefault();
        if (random is null || best is null) return "";
        var rankMe = regret.FirstOrDefault(r => r.Selector == ModelSelection.SelectorName(LabelFreeMetrics.RankMe, FeatureSpace.Backbone));
        return $"Choosing by {best.Selector} costs {Number(best.MeanRegret, "0.000")} F1 on average over {best.Groups} group(s), " +
               $"against {Number(random.MeanRegret, "0.000")} for a random pick{(rankMe is null ? "" : $" and {Number(rankMe.MeanRegret, "0.000")} for RankMe (backbone)")}.";
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
        var text = new StringBuilder("metric,features,validation,group,runs,spearman,spearman_low,spearman_high,kendall_tau_b,kendall_low,kendall_high\n");
        foreach (var r in rows)
            text.AppendLine(string.Join(',', r.Metric.Key, r.SpaceLabel, r.ValidationKey, Csv(r.Group.Label), Inv(r.Runs),
                Inv(r.Spearman), Inv(r.SpearmanInterval.Low), Inv(r.SpearmanInterval.High), Inv(r.KendallTauB), Inv(r.KendallInterval.Low), Inv(r.KendallInterval.High)));
        return text.ToString();
    }

    public static string RankingCsv(IReadOnlyList<CorrelationRow> rows)
    {
        var text = new StringBuilder("rank,validation,metric,features,runs,spearman,spearman_low,spearman_high,kendall_tau_b,kendall_low,kendall_high\n");
        foreach (var key in MetricCorrelations.Targets)
            foreach (var (r, i) in Ranking(rows, key).Select((r, i) => (r, i)))
                text.AppendLine(string.Join(',', Inv(i + 1), key, r.Metric.Key, r.SpaceLabel, Inv(r.Runs), Inv(r.Spearman), Inv(r.SpearmanInterval.Low),
                    Inv(r.SpearmanInterval.High), Inv(r.KendallTauB), Inv(r.KendallInterval.Low), Inv(r.KendallInterval.High)));
        return text.ToString();
    }

    public static string SelectionCsv(IReadOnlyList<SelectionPick> picks)
    {
        var text = new StringBuilder("group,validation,selector,candidates,picked,picked_f1,best,best_f1,regret\n");
        foreach (var p in picks)
            text.AppendLine(string.Join(',', Csv(p.Group), p.ValidationKey, Csv(p.Selector), Inv(p.Candidates), Csv(p.Picked), Inv(p.PickedF1), Csv(p.Best), Inv(p.BestF1), Inv(p.Regret)));
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
            ["per_epoch_probe"] = result.PerEpochProbe,
            ["per_run"] = new JsonArray(result.Runs.Select(r => (JsonNode)new JsonObject
            {
                ["run"] = r.Summary.RunDirectory, ["label"] = r.Label, ["steps"] = r.Epochs.Count == 0 ? null : r.Epochs[^1].Step,
                ["f1_natural"] = r.FinalF1(ImbalanceGrid.NaturalKey) is { } f1 ? N(f1) : null,
                ["f1_natural_ci95"] = r.Summary.Interval(ImbalanceGrid.NaturalKey, "f1") is { } ci ? new JsonArray(N(ci.Low), N(ci.High)) : null,
                // Threshold-free beside F1: the ranking the probe shares with the detectors without defect labels (AUPRC's chance level is the defect share).
                ["auroc_natural"] = r.Summary.Metric(ImbalanceGrid.NaturalKey, "auroc") is { } auroc ? N(auroc) : null,
                ["auroc_natural_ci95"] = r.Summary.Interval(ImbalanceGrid.NaturalKey, "auroc") is { } rocCi ? new JsonArray(N(rocCi.Low), N(rocCi.High)) : null,
                ["auprc_natural"] = r.Summary.Metric(ImbalanceGrid.NaturalKey, "auprc") is { } auprc ? N(auprc) : null,
                ["auprc_natural_ci95"] = r.Summary.Interval(ImbalanceGrid.NaturalKey, "auprc") is { } prCi ? new JsonArray(N(prCi.Low), N(prCi.High)) : null,
                ["floor_verdict"] = r.FloorVerdict?.Name(),
                ["floor_comparison"] = r.Floor is { } t ? new JsonObject
                {
                    ["floor_run"] = t.Floor.RunDirectory, ["family"] = FloorFamilyName,
                    ["difference"] = N(t.Comparison.Difference),
                    ["difference_ci95"] = new JsonArray(N(t.Comparison.DifferenceInterval.Low), N(t.Comparison.DifferenceInterval.High)),
                    ["p"] = N(t.Comparison.PValue), ["q"] = N(t.Q), ["verdict"] = t.Verdict.Name(),
                } : null,
            }).ToArray()),
            ["ranking"] = new JsonArray(MetricCorrelations.Targets.SelectMany(k => Ranking(result.Correlations, k)).Select(r => (JsonNode)new JsonObject
            {
                ["validation"] = r.ValidationKey, ["metric"] = r.Metric.Key, ["features"] = r.SpaceLabel, ["runs"] = r.Runs,
                ["spearman"] = N(r.Spearman), ["spearman_ci"] = new JsonArray(N(r.SpearmanInterval.Low), N(r.SpearmanInterval.High)),
                ["kendall_tau_b"] = N(r.KendallTauB), ["kendall_ci"] = new JsonArray(N(r.KendallInterval.Low), N(r.KendallInterval.High)),
                ["by_group"] = new JsonObject(result.Correlations.Where(c => c.Metric == r.Metric && c.Space == r.Space && c.ValidationKey == r.ValidationKey && c.Group != RunGroup.Pooled)
                    .Select(c => KeyValuePair.Create(c.Group.Label, (JsonNode?)new JsonObject
                    {
                        ["runs"] = c.Runs, ["spearman"] = N(c.Spearman), ["spearman_ci"] = new JsonArray(N(c.SpearmanInterval.Low), N(c.SpearmanInterval.High)),
                        ["kendall_tau_b"] = N(c.KendallTauB),
                    }))),
            }).ToArray()),
            ["regret"] = new JsonArray(result.Regret.Select(r => (JsonNode)new JsonObject
            {
                ["validation"] = r.ValidationKey, ["selector"] = r.Selector, ["groups"] = r.Groups, ["mean_regret"] = N(r.MeanRegret),
                ["max_regret"] = N(r.MaxRegret), ["mean_picked_f1"] = N(r.MeanPickedF1), ["mean_best_f1"] = N(r.MeanBestF1),
            }).ToArray()),
            ["prior_shift"] = new JsonArray(result.PriorShiftSummary.Select(s => (JsonNode)new JsonObject
            {
                ["validation"] = s.ValidationKey, ["rule"] = RuleKey(s.Rule), ["runs"] = s.Runs, ["true_share"] = N(s.TrueShare),
                ["estimated_share"] = N(s.EstimatedShare), ["f1"] = N(s.F1), ["precision"] = N(s.Precision), ["recall"] = N(s.Recall),
            }).ToArray()),
            ["em_f1_gain"] = new JsonObject(F1Gains(result.PriorShiftSummary).Select(g => KeyValuePair.Create(g.Key, N(g.Gain)))),
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
