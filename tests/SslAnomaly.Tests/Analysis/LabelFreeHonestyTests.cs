using SslAnomaly.Analysis;
using SslAnomaly.Eval.LabelFree;
using SslAnomaly.Reporting;
using static SslAnomaly.Tests.Analysis.FakeRunFolders;

namespace SslAnomaly.Tests.Analysis;

/// <summary>
/// What makes the label-free analysis honest: groups never chosen by the F1 they are correlated with, intervals that
/// resample cells, regret with intervals, and verdicts that say how many metrics were tried.
/// </summary>
public class LabelFreeHonestyTests
{
    static readonly BootstrapOptions Quick = new(200);

    [Fact]
    public void The_floor_group_follows_the_validation_verdict_not_the_test_F1()
    {
        using var dir = new TempDir();
        Write(dir.Path, "random-init", "resnet18", 45, [new Epoch(new Dictionary<string, double>(), 0.5, 1)], valScores: Chance, valLabels: Labels,
            test: new TestSplit(0.5, Chance, Labels));
        // Four runs beat the floor on validation and score like it on test (their test F1 is low); three the other way round.
        double[] valBetter = [0.50, 0.51, 0.52, 0.53];
        for (int i = 0; i < valBetter.Length; i++)
            Write(dir.Path, "simclr", "resnet18", 45, [new Epoch(Curves(1, lidar: i), 0.8, 1)], temperature: 0.1 * (i + 1),
                valScores: Separating, valLabels: Labels, test: new TestSplit(valBetter[i], Chance, Labels));
        double[] testBetter = [0.85, 0.86, 0.87];
        for (int i = 0; i < testBetter.Length; i++)
            Write(dir.Path, "barlow", "resnet18", 45, [new Epoch(Curves(1, lidar: 10 + i), 0.5, 1)], temperature: 0.1 * (i + 1),
                valScores: Chance, valLabels: Labels, test: new TestSplit(testBetter[i], Separating, Labels));

        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        Assert.Equal(SewerMlSplit.Test, result.ReportedSplit);
        Assert.False(result.LearnedGroupSelectedOnOutcome);
        // The F1 correlated is test's...
        Assert.Equal(testBetter, result.Runs.Where(r => r.Method == "barlow").Select(r => r.FinalF1("natural")!.Value).Order());
        // ...but the group is the validation verdict's: the four SimCLR runs, not the three that beat the floor on test.
        var learned = result.Runs.Where(r => r.Epochs.Count > 0 && RunGroup.Learned.Contains(r)).Select(r => r.Method).ToList();
        Assert.Equal(["simclr", "simclr", "simclr", "simclr"], learned);
        Assert.Equal(4, result.Correlations.Single(c => c.Metric == LabelFreeMetrics.Lidar && c.Space == FeatureSpace.Backbone
                                                        && c.ValidationKey == "natural" && c.Group == RunGroup.Learned).Runs);
        // The construction matters: judged on test, the verdicts would have chosen the Barlow Twins runs instead.
        var onTest = result.Runs.Select(r => r.Summary.On(SewerMlSplit.Test)).ToList();
        var testFamily = FloorComparisons.Compute(onTest, Quick, validationKeys: ["natural"]).Family("test", onTest, ["natural"], ["f1"]);
        Assert.Equal(["barlow", "barlow", "barlow"], onTest.Where(r => testFamily.Of(r, "natural", "f1")?.Verdict == FloorVerdict.Better).Select(r => r.Method));

        Assert.Contains("chosen on validation", LabelFreeAnalysis.RankingMarkdown(result));
        Assert.Contains("Over the 4 runs that beat their floor,", LabelFreeAnalysis.CorrelationVerdict(result));
        var json = System.Text.Json.JsonDocument.Parse(LabelFreeAnalysis.ToJson(result).ToJsonString()).RootElement;
        Assert.Equal("test", json.GetProperty("f1_split").GetString());
        Assert.Equal("val", json.GetProperty("floor_verdict_split").GetString());
        Assert.False(json.GetProperty("learned_group_selected_on_outcome").GetBoolean());
    }

    [Fact]
    public void Without_a_test_split_the_floor_group_is_marked_as_selected_on_the_outcome_and_left_out_of_the_verdict()
    {
        using var dir = new TempDir();
        Write(dir.Path, "random-init", "resnet18", 45, [new Epoch(new Dictionary<string, double>(), 0.5, 1)], valScores: Chance, valLabels: Labels);
        double[] f1 = [0.70, 0.75, 0.80, 0.85];
        for (int i = 0; i < f1.Length; i++)
            Write(dir.Path, "simclr", "resnet18", 45, [new Epoch(Curves(1, lidar: f1[i]), f1[i], 1)], temperature: 0.1 * (i + 1), valScores: Separating, valLabels: Labels);

        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        Assert.Equal(SewerMlSplit.Val, result.ReportedSplit);
        Assert.True(result.LearnedGroupSelectedOnOutcome);
        var markdown = LabelFreeAnalysis.RankingMarkdown(result);
        Assert.Contains("Spearman, runs that beat the floor (selected on the outcome)", markdown);
        Assert.Contains("**selected on the outcome**", markdown);
        var verdict = LabelFreeAnalysis.CorrelationVerdict(result);
        Assert.Contains("selected on the outcome, left out of this verdict", verdict);
        Assert.DoesNotContain("Over the 4 runs that beat their floor,", verdict);
        var json = System.Text.Json.JsonDocument.Parse(LabelFreeAnalysis.ToJson(result).ToJsonString()).RootElement;
        Assert.True(json.GetProperty("learned_group_selected_on_outcome").GetBoolean());
        var lidar = json.GetProperty("ranking").EnumerateArray().First(r => r.GetProperty("metric").GetString() == "lidar");
        Assert.True(lidar.GetProperty("by_group").GetProperty("runs that beat the floor").GetProperty("selected_on_outcome").GetBoolean());
    }

    [Fact]
    public void Correlations_count_cells_and_carry_a_Bonferroni_interval_over_the_metrics_tried()
    {
        using var dir = new TempDir();
        // Four cells (train shares), three temperature variants each.
        double[] pcts = [1, 5, 15, 45];
        for (int c = 0; c < pcts.Length; c++)
            for (int v = 0; v < 3; v++)
            {
                double f1 = 0.2 + 0.1 * c + 0.01 * v;
                Write(dir.Path, "simclr", "resnet18", pcts[c], [new Epoch(Curves(1 - f1 + 0.02 * ((c + v) % 3), lidar: f1), f1, 1)], temperature: 0.1 * (v + 1));
            }
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        Assert.Equal(12, result.MeasuredRuns);
        Assert.Equal(4, result.MeasuredCells);
        var pooled = result.Correlations.Where(c => c.ValidationKey == "natural" && c.Group == RunGroup.Pooled).ToList();
        Assert.All(pooled, c => Assert.Equal((12, 4), (c.Runs, c.Cells)));
        // The family: the correlations with a value (the loss is constant here, so it has none).
        int family = pooled.Count(c => c.Defined);
        Assert.Equal(16, family);
        Assert.All(pooled, c => Assert.Equal(family, c.Family));
        // The Bonferroni interval holds the 95 % one.
        Assert.All(pooled.Where(c => c.Defined), c => Assert.True(c.SpearmanSimultaneous.Low <= c.SpearmanInterval.Low + 1e-12 && c.SpearmanSimultaneous.High >= c.SpearmanInterval.High - 1e-12));
        var markdown = LabelFreeAnalysis.RankingMarkdown(result);
        Assert.Contains($"{family} metric x feature combinations were tried on the same runs", markdown);
        Assert.Contains("12 pretraining runs with label-free metrics (of 12 finished) in 4 cells", markdown);
        Assert.Contains("cell bootstrap", markdown);
        Assert.Contains($"of {family} metric x feature combination(s) tried", LabelFreeAnalysis.CorrelationVerdict(result));
        // The ranking's stability: every metric has a place, shares of first place add up to one.
        var stability = result.RankingStability.Single(s => s.ValidationKey == "natural");
        Assert.Equal(4, stability.Cells);
        Assert.Equal(1, stability.Places.Sum(p => p.ShareFirst), 9);
        Assert.True(stability.FirstMinusRunnerUpInterval.Low <= stability.FirstMinusRunnerUp + 1e-12);
        Assert.Contains("|rho| differs by", markdown);
    }

    /// <summary>Three cells (train shares) x two seeds (selection groups) x two temperatures x three epochs, each probed.</summary>
    static void SelectionCells(string root)
    {
        int n = 0;
        foreach (var pct in new double[] { 1, 5, 45 })
            foreach (var seed in new[] { 0, 1 })
                foreach (var t in new[] { 0.1, 0.5 })
                {
                    n++;
                    var f1 = Enumerable.Range(0, 3).Select(e => 0.3 + 0.1 * ((n * 7 + e * 3) % 5)).ToArray();
                    Write(root, "simclr", "resnet18", pct,
                        f1.Select((f, e) => new Epoch(Curves(0.5 + 0.1 * ((n * 5 + e) % 4), lidar: f + 0.05 * ((n + e) % 3)), f, Loss: 1 - f)).ToList(),
                        temperature: t, seed: seed);
                }
    }

    [Fact]
    public void Regret_intervals_resample_cells_and_contain_the_point_regret()
    {
        using var dir = new TempDir();
        SelectionCells(dir.Path);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        var natural = result.Regret.Where(r => r.ValidationKey == "natural").ToList();
        Assert.NotEmpty(natural);
        Assert.All(natural, r =>
        {
            Assert.Equal((6, 3), (r.Groups, r.Cells));
            Assert.True(r.MeanRegretInterval.Low <= r.MeanRegret + 1e-12 && r.MeanRegret <= r.MeanRegretInterval.High + 1e-12,
                $"{r.Selector}: {r.MeanRegret} outside [{r.MeanRegretInterval.Low}, {r.MeanRegretInterval.High}]");
        });
        Assert.Contains(natural, r => r.MeanRegretInterval.High > r.MeanRegretInterval.Low);
        // The pretraining loss (1 - F1 here) always picks the best: no regret in any resample.
        var loss = natural.Single(r => r.Selector == LabelFreeMetrics.Loss.Display);
        Assert.Equal((0.0, 0.0, 0.0), (loss.MeanRegret, loss.MeanRegretInterval.Low, loss.MeanRegretInterval.High));
        Assert.All(result.Picks, p => Assert.Equal($"simclr/resnet18/{p.Group.Split('/')[2]}/32px", p.Cell));
        Assert.Contains("| 6 | 3 | 0.000 [0.000, 0.000] |", LabelFreeAnalysis.RegretMarkdown(result));
    }

    [Fact]
    public void The_selection_verdict_names_how_many_selectors_were_tried_and_compares_the_best_two_sided()
    {
        using var dir = new TempDir();
        SelectionCells(dir.Path);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        var comparison = result.SelectorComparisons.Single(c => c.ValidationKey == "natural");
        // Eight metrics on two feature spaces and the loss; the random pick and the last epoch are references.
        Assert.Equal(17, comparison.Tried);
        Assert.Equal(16, comparison.AgainstOthers.Count);
        // LiDAR on both spaces and the loss pick the best candidate in every group: three selectors tie at regret 0, and the first of them is
        // named best only by the order of the table. The comparison must say it cannot tell them apart.
        Assert.Equal(ModelSelection.SelectorName(LabelFreeMetrics.Lidar, FeatureSpace.Backbone), comparison.Best.Selector);
        Assert.Equal(Multiplicity.BonferroniLevel(0.95, 16), comparison.SimultaneousLevel, 12);
        var runnerUp = comparison.AgainstRunnerUp!;
        Assert.Equal(ModelSelection.SelectorName(LabelFreeMetrics.Lidar, FeatureSpace.Projector), runnerUp.Other);
        Assert.Equal((0.0, 0.0, 0.0), (runnerUp.Difference, runnerUp.Interval.Low, runnerUp.Interval.High));
        Assert.False(runnerUp.Excludes0);
        // At most a third of the credit for least regret: it always shares it with the other two.
        Assert.InRange(comparison.ShareBest, 0.1, 1.0 / 3 + 1e-9);
        Assert.InRange(comparison.CannotTellApart, 2, 16);
        Assert.NotNull(comparison.AgainstRandom);

        var verdict = LabelFreeAnalysis.SelectionVerdict(result);
        Assert.Contains("Best of 17 label-free selector(s) tried: LiDAR (backbone)", verdict);
        Assert.Contains($"Against the runner-up {runnerUp.Other}", verdict);
        Assert.Contains("cannot be told apart.", verdict);
        Assert.Contains("two-sided 95 %", verdict);
        Assert.Contains($"it cannot be told apart from {comparison.CannotTellApart} of the 16", verdict);
        Assert.Contains("Against a random pick", verdict);
        Assert.Contains("Best of 17 label-free selector(s) tried", LabelFreeAnalysis.RegretMarkdown(result));
        Assert.Contains("Best of 17 label-free selector(s) tried", LabelFreeAnalysis.Verdict(result));
        var json = System.Text.Json.JsonDocument.Parse(LabelFreeAnalysis.ToJson(result).ToJsonString()).RootElement;
        var natural = json.GetProperty("selector_comparison").EnumerateArray().Single(c => c.GetProperty("validation").GetString() == "natural");
        Assert.Equal(17, natural.GetProperty("selectors_tried").GetInt32());
        Assert.Equal(2, natural.GetProperty("against_runner_up").GetProperty("difference_ci95").GetArrayLength());
    }
}
