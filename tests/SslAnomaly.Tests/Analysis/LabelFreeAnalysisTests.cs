using SslAnomaly.Analysis;
using SslAnomaly.Eval.LabelFree;
using static SslAnomaly.Tests.Analysis.FakeRunFolders;

namespace SslAnomaly.Tests.Analysis;

public class LabelFreeAnalysisTests
{
    static readonly BootstrapOptions Quick = new(50);

    /// <summary>Eight runs, four per backbone, whose LiDAR rises with F1 while every other metric falls with it.</summary>
    static void MonotoneRuns(string root)
    {
        double[] f1 = [0.1, 0.2, 0.3, 0.4, 0.15, 0.25, 0.35, 0.45];
        double[] pcts = [1, 2, 5, 15];
        for (int i = 0; i < f1.Length; i++)
            Write(root, i % 2 == 0 ? "simclr" : "barlow", i < 4 ? "resnet18" : "vit-tiny", pcts[i % 4],
                [new Epoch(Curves(-f1[i], lidar: 100 * f1[i]), f1[i], Loss: 1 + f1[i])]);
    }

    [Fact]
    public void Ranks_metrics_by_their_rank_correlation_with_F1_pooled_and_per_backbone()
    {
        using var dir = new TempDir();
        MonotoneRuns(dir.Path);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);

        CorrelationRow Row(LabelFreeMetric m, RunGroup g, string key = "natural") =>
            result.Correlations.Single(c => c.Metric == m && c.Space == FeatureSpace.Backbone && c.ValidationKey == key && c.Group == g);
        Assert.Equal(8, Row(LabelFreeMetrics.Lidar, RunGroup.Pooled).Runs);
        Assert.Equal(1, Row(LabelFreeMetrics.Lidar, RunGroup.Pooled).Spearman, 12);
        Assert.Equal(1, Row(LabelFreeMetrics.Lidar, RunGroup.Pooled).KendallTauB, 12);
        Assert.Equal(-1, Row(LabelFreeMetrics.RankMe, RunGroup.Pooled).Spearman, 12);
        Assert.Equal(1, Row(LabelFreeMetrics.Loss, RunGroup.Pooled).Spearman, 12);  // the epoch's mean loss, 1 + F1
        Assert.Equal(1, Row(LabelFreeMetrics.Lidar, new RunGroup("backbone", "vit-tiny")).Spearman, 12);
        Assert.Equal(4, Row(LabelFreeMetrics.Lidar, new RunGroup("family", MethodFamily.Contrastive)).Runs);
        Assert.Equal(1, Row(LabelFreeMetrics.Lidar, RunGroup.Pooled, "5").Spearman, 12);
        // A perfect monotone relation has a degenerate bootstrap interval at 1.
        Assert.Equal(1, Row(LabelFreeMetrics.Lidar, RunGroup.Pooled).SpearmanInterval.Low, 12);

        var ranking = LabelFreeAnalysis.Ranking(result.Correlations, "natural");
        Assert.All(ranking, r => Assert.Equal(1, Math.Abs(r.Spearman), 12));
        var markdown = LabelFreeAnalysis.RankingMarkdown(result);
        Assert.Contains("| LiDAR | backbone | 8 | 1.00 [1.00, 1.00] | 1.00 [1.00, 1.00] | 1.00 [1.00, 1.00] | 1.00 [1.00, 1.00] |", markdown);
        Assert.Contains("Spearman resnet18", markdown);
    }

    [Fact]
    public void A_run_below_its_floor_is_judged_worse_and_analysis_json_carries_each_comparison()
    {
        using var dir = new TempDir();
        var labels = Enumerable.Range(0, 200).Select(i => i % 2 == 0).ToArray();
        var chance = labels.Select((_, i) => (i * 37 % 100) / 100.0).ToArray();
        var inverted = labels.Select(l => l ? 0.1 : 0.9).ToArray();
        Write(dir.Path, "random-init", "resnet18", 45, [new Epoch(new Dictionary<string, double>(), 0.5, 1)], valScores: chance, valLabels: labels);
        Write(dir.Path, "simclr", "resnet18", 45, [new Epoch(Curves(1), 0.0, 1)], valScores: inverted, valLabels: labels);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        var simclr = result.Runs.Single(r => r.Method == "simclr");
        Assert.Equal(FloorVerdict.Worse, simclr.FloorVerdict);
        Assert.True(simclr.Floor!.Comparison.Difference < 0);
        Assert.Equal(0, result.LearnedRuns);

        var outDir = Path.Combine(dir.Path, "out");
        LabelFreeAnalysis.Write(result, outDir);
        var perRun = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "analysis.json"))).RootElement.GetProperty("per_run").EnumerateArray()
            .Single(r => r.GetProperty("label").GetString()!.StartsWith("simclr", StringComparison.Ordinal));
        Assert.Equal("worse", perRun.GetProperty("floor_verdict").GetString());
        var comparison = perRun.GetProperty("floor_comparison");
        Assert.Equal(simclr.Floor.Comparison.Difference, comparison.GetProperty("difference").GetDouble(), 12);
        Assert.Equal(2, comparison.GetProperty("difference_ci95").GetArrayLength());
        // One test in the family: its q is its p.
        Assert.Equal(comparison.GetProperty("p").GetDouble(), comparison.GetProperty("q").GetDouble(), 12);
        Assert.Equal(LabelFreeAnalysis.FloorFamilyName, comparison.GetProperty("family").GetString());
    }

    [Fact]
    public void Runs_that_beat_their_floor_get_a_correlation_of_their_own()
    {
        using var dir = new TempDir();
        var labels = Enumerable.Range(0, 200).Select(i => i % 2 == 0).ToArray();
        // The floor (no monitors, as a real one) scores at chance; four runs separate the classes (F1 rising with LiDAR), three score like the floor
        // and carry a LiDAR that would reverse the pooled ranking. Every run scores a test split like its validation split: the group is
        // chosen on validation and correlated with test F1 (without a test split it would be selected on the outcome, and left out of the verdict).
        var chance = labels.Select((_, i) => (i * 37 % 100) / 100.0).ToArray();
        var separating = labels.Select(l => l ? 0.9 : 0.1).ToArray();
        Write(dir.Path, "random-init", "resnet18", 45, [new Epoch(new Dictionary<string, double>(), 0.5, 1)], valScores: chance, valLabels: labels,
            test: new TestSplit(0.5, chance, labels));
        double[] learnedF1 = [0.70, 0.75, 0.80, 0.85];
        for (int i = 0; i < learnedF1.Length; i++)
            Write(dir.Path, "simclr", "resnet18", 45, [new Epoch(Curves(1, lidar: learnedF1[i]), learnedF1[i], 1)], temperature: 0.1 * (i + 1),
                valScores: separating, valLabels: labels, test: new TestSplit(learnedF1[i], separating, labels));
        double[] floorF1 = [0.50, 0.52, 0.54];
        for (int i = 0; i < floorF1.Length; i++)
            Write(dir.Path, "byol", "resnet18", 45, [new Epoch(Curves(1, lidar: 10 - i), floorF1[i], 1)], temperature: 0.1 * (i + 1),
                valScores: chance, valLabels: labels, test: new TestSplit(floorF1[i], chance, labels));

        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        Assert.Equal([FloorVerdict.Better, FloorVerdict.Better, FloorVerdict.Better, FloorVerdict.Better], result.Runs.Where(r => r.Method == "simclr").Select(r => r.FloorVerdict));
        // Scored exactly like the floor: not worse, just not told apart.
        Assert.Equal([FloorVerdict.CannotTell, FloorVerdict.CannotTell, FloorVerdict.CannotTell], result.Runs.Where(r => r.Method == "byol").Select(r => r.FloorVerdict));
        Assert.Null(result.Runs.Single(r => r.Method == "random-init").FloorVerdict);
        Assert.Contains("4 better, 0 worse, 3 cannot be told apart", LabelFreeAnalysis.RankingMarkdown(result));
        CorrelationRow Lidar(RunGroup g) => result.Correlations.Single(c =>
            c.Metric == LabelFreeMetrics.Lidar && c.Space == FeatureSpace.Backbone && c.ValidationKey == "natural" && c.Group == g);
        Assert.Equal(7, Lidar(RunGroup.Pooled).Runs);
        Assert.True(Lidar(RunGroup.Pooled).Spearman < 0);
        Assert.Equal(4, Lidar(RunGroup.Learned).Runs);
        Assert.Equal(1, Lidar(RunGroup.Learned).Spearman, 12);
        Assert.Contains("Spearman, runs that beat the floor", LabelFreeAnalysis.RankingMarkdown(result));
        // The four runs are temperature variants of one cell: the table says so beside n.
        Assert.Contains("| 1.00 [1.00, 1.00] (n=4 in 1 cell) |", LabelFreeAnalysis.RankingMarkdown(result));
        Assert.Contains("Over the 4 runs that beat their floor, LiDAR (backbone) rho 1.00", LabelFreeAnalysis.CorrelationVerdict(result));
    }

    [Fact]
    public void Groups_with_too_few_runs_get_no_correlation()
    {
        using var dir = new TempDir();
        Write(dir.Path, "simclr", "resnet18", 1, [new Epoch(Curves(1), 0.1, 1)]);
        Write(dir.Path, "simclr", "resnet18", 5, [new Epoch(Curves(2), 0.2, 1)]);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        Assert.All(result.Correlations, c => Assert.True(double.IsNaN(c.Spearman)));
        Assert.Contains("| LiDAR | backbone | 2 | - |", LabelFreeAnalysis.RankingMarkdown(result));
    }

    /// <summary>Two temperatures x three epochs; LiDAR follows F1, the other metrics 1 - F1, the loss F1.</summary>
    static void TemperatureGrid(string root, bool probedEveryEpoch)
    {
        foreach (var (t, f1) in new[] { (0.1, new[] { 0.2, 0.5, 0.4 }), (0.5, new[] { 0.3, 0.35, 0.6 }) })
            Write(root, "simclr", "resnet18", 5, f1.Select(f => new Epoch(Curves(1 - f, lidar: f), f, Loss: f)).ToList(),
                temperature: t, probedEveryEpoch: probedEveryEpoch);
    }

    [Fact]
    public void Selection_regret_is_the_best_F1_minus_the_picked_one()
    {
        using var dir = new TempDir();
        TemperatureGrid(dir.Path, probedEveryEpoch: true);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        Assert.True(result.PerEpochProbe);
        SelectionPick Pick(string selector) => result.Picks.Single(p => p.Selector == selector && p.ValidationKey == "natural");

        var lidar = Pick(ModelSelection.SelectorName(LabelFreeMetrics.Lidar, FeatureSpace.Backbone));
        Assert.Equal(6, lidar.Candidates);
        Assert.Equal(0, lidar.Regret, 12);
        Assert.Contains("method.temperature=0.5", lidar.Picked);
        Assert.EndsWith("epoch 3", lidar.Picked);
        // Higher-is-better metrics at 1 - F1 pick the worst model (0.2); lower-is-better alignment picks the best.
        Assert.Equal(0.4, Pick(ModelSelection.SelectorName(LabelFreeMetrics.RankMe, FeatureSpace.Projector)).Regret, 12);
        Assert.Equal(0, Pick(ModelSelection.SelectorName(LabelFreeMetrics.Alignment, FeatureSpace.Backbone)).Regret, 12);
        Assert.Equal(0.4, Pick(LabelFreeMetrics.Loss.Display).Regret, 12);
        Assert.Equal(0.6 - (0.2 + 0.5 + 0.4 + 0.3 + 0.35 + 0.6) / 6, Pick(ModelSelection.Random).Regret, 12);
        Assert.Equal(0.6 - (0.4 + 0.6) / 2, Pick(ModelSelection.LastEpoch).Regret, 12);
        Assert.Equal(0.3, result.Picks.Single(p => p.Selector == lidar.Selector && p.ValidationKey == "5").BestF1, 12);
        // One group in one cell; the mean regret carries its interval.
        Assert.Contains("| LiDAR (backbone) | 1 | 1 | 0.000 [0.000, 0.000] |", LabelFreeAnalysis.RegretMarkdown(result));
    }

    [Fact]
    public void Without_the_per_epoch_probe_only_the_finished_models_compete()
    {
        using var dir = new TempDir();
        TemperatureGrid(dir.Path, probedEveryEpoch: false);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        Assert.False(result.PerEpochProbe);
        var pick = result.Picks.Single(p => p.Selector == LabelFreeMetrics.Loss.Display && p.ValidationKey == "natural");
        Assert.Equal(2, pick.Candidates);
        Assert.Equal(0.2, pick.Regret, 12);  // the last epochs' losses are 0.4 and 0.6: the loss picks 0.4
    }

    [Fact]
    public void Prior_shift_rows_follow_em_and_the_probe_sets_f2_threshold()
    {
        using var dir = new TempDir();
        var run = Write(dir.Path, "simclr", "resnet18", 5, [new Epoch(Curves(1), 0.3, 1)]);
        var result = LabelFreeAnalysis.Run(dir.Path, Quick);
        var natural = result.PriorShift.Where(r => r.ValidationKey == "natural").ToList();
        Assert.Equal(Enum.GetValues<DecisionRule>().Order(), natural.Select(r => r.Rule).Order());
        Assert.Equal(0.1, natural[0].TrueShare, 12);

        var scores = PredictionCsv.Read(Path.Combine(run, "predictions-val.csv")).Scores.Defect;
        Assert.Equal(PriorShift.EstimatePrior(scores).Prior, natural[0].EstimatedShare, 12);
        var labels = Enumerable.Range(0, 200).Select(i => i % 10 == 0).ToArray();
        var truth = new GroundTruth(labels);
        var em = DefectMetrics.Compute(truth, DefectScores.Binary(PriorShift.EstimatePrior(scores).AdjustedPosteriors));
        Assert.Equal(em.F1, natural.Single(r => r.Rule == DecisionRule.EmAdjusted).F1, 12);
        var probe = PredictionCsv.Read(Path.Combine(run, "predictions-probe.csv")).Scores.Defect;
        var threshold = ThresholdSelection.MaximiseFBeta(Enumerable.Range(0, 100).Select(i => i % 5 == 0).ToArray(), probe).Threshold;
        Assert.Equal(0.4, threshold, 12);
        Assert.Equal(DefectMetrics.Compute(truth, DefectScores.Binary(scores), threshold).Recall, natural.Single(r => r.Rule == DecisionRule.F2ThresholdOnProbeSet).Recall, 12);
        // The 5 % subset keeps every normal image and few defects: EM must see fewer defects there.
        var five = result.PriorShift.First(r => r.ValidationKey == "5");
        Assert.True(five.EstimatedShare < natural[0].EstimatedShare, $"{five.EstimatedShare} vs {natural[0].EstimatedShare}");
        Assert.Contains("F1 gain of the EM adjustment", LabelFreeAnalysis.PriorShiftMarkdown(result));
    }

    [Fact]
    public void Write_puts_tables_json_and_figures_in_the_out_folder()
    {
        using var dir = new TempDir();
        MonotoneRuns(Path.Combine(dir.Path, "runs"));
        var result = LabelFreeAnalysis.Run(Path.Combine(dir.Path, "runs"), Quick);
        var outDir = Path.Combine(dir.Path, "out");
        var files = LabelFreeAnalysis.Write(result, outDir).Select(f => Path.GetRelativePath(outDir, f)).ToList();
        foreach (var name in new[] { "ranking.csv", "ranking.md", "correlations.csv", "selection.csv", "regret.md", "prior-shift.csv", "prior-shift.md", "analysis.json",
                                     Path.Combine("figures", "scatter-natural.html"), Path.Combine("figures", "calibration.html") })
            Assert.Contains(name, files);
        var scatter = LabelFreeFigures.ScatterGrid(result.Runs, result.Correlations).ToJsonElement();
        Assert.Equal(LabelFreeMetrics.All.Count * 2, scatter.GetProperty("data").GetArrayLength());  // one trace per metric and backbone
        Assert.Equal("x9", scatter.GetProperty("data")[17].GetProperty("xaxis").GetString());
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "analysis.json"))).RootElement;
        Assert.Equal(8, json.GetProperty("measured_runs").GetInt32());
        Assert.Equal(1, Math.Abs(json.GetProperty("ranking")[0].GetProperty("spearman").GetDouble()), 12);
        var perRun = json.GetProperty("per_run");
        Assert.Equal(8, perRun.GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, perRun[0].GetProperty("floor_verdict").ValueKind);  // no floor run in the folder
        Assert.Equal(System.Text.Json.JsonValueKind.Null, perRun[0].GetProperty("floor_comparison").ValueKind);
        Assert.Equal(10, perRun[0].GetProperty("steps").GetInt64());
    }

    [Fact]
    public void The_report_section_states_the_verdict_and_the_index_links_it()
    {
        using var dir = new TempDir();
        var runs = Path.Combine(dir.Path, "runs");
        MonotoneRuns(runs);
        var report = Path.Combine(dir.Path, "report");
        var page = File.ReadAllText(LabelFreeReport.Write(runs, report, Quick));
        Assert.Contains("LiDAR (backbone) rho 1.00 [1.00, 1.00]", page);
        Assert.Contains("RankMe (backbone): rho -1.00", page);
        Assert.Matches(@"<th>metric</th>\s*<th>features</th>\s*<th[^>]*>runs</th>", page);
        Assert.Contains("class=\"plotly-figure\"", page);
        Assert.Contains("cell bootstrap", page);
        Assert.Contains("metric x feature combination(s) tried", page);
        Assert.Contains("How to read the intervals.", page);
        Assert.Contains("seeds and hyper-parameter variants of one cell count as one unit of evidence", page);
        var index = File.ReadAllText(new SslAnomaly.Reporting.ReportWriter(report).Write(SslAnomaly.Experiments.RunResult.ReadAll(runs)));
        Assert.Contains("href=\"label-free/index.html\"", index);
    }

    [Fact]
    public void Bad_input_is_one_error_naming_the_path()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "nope");
        Assert.Contains(missing, Assert.Throws<UserInputException>(() => LabelFreeAnalysis.Run(missing)).Message);
        Assert.Contains("holds no finished run", Assert.Throws<UserInputException>(() => LabelFreeAnalysis.Run(dir.Path)).Message);
        var run = Write(dir.Path, "simclr", "resnet18", 5, [new Epoch(Curves(1), 0.3, 1)]);
        File.Delete(Path.Combine(run, "metrics.csv"));
        Assert.Contains(Path.Combine(run, "metrics.csv"), Assert.Throws<UserInputException>(() => LabelFreeAnalysis.Run(dir.Path)).Message);
    }

    [Fact]
    public void The_cli_exits_non_zero_with_one_line_naming_the_folder()
    {
        using var dir = new TempDir();
        var result = CliProcess.Run("analyze", "--runs", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: --runs {dir.Path} holds no finished run", result.Stderr);

        // A small folder end to end: two backbones x two cells each, with seeds and variants inside cells, a test split, per-epoch probes.
        var runs = Path.Combine(dir.Path, "runs");
        var labels = Enumerable.Range(0, 200).Select(i => i % 10 == 0).ToArray();
        int n = 0;
        foreach (var backbone in new[] { "resnet18", "vit-tiny" })
            foreach (var pct in new double[] { 5, 45 })
                foreach (var seed in new[] { 0, 1 })
                    foreach (var t in new[] { 0.1, 0.5 })
                    {
                        n++;
                        var f1 = new[] { 0.2 + 0.01 * n, 0.3 + 0.02 * (n % 5), 0.25 + 0.03 * (n % 7) };
                        Write(runs, "simclr", backbone, pct, f1.Select((f, e) => new Epoch(Curves(1 + 0.1 * ((n + e) % 4), lidar: f), f, Loss: 1 - f)).ToList(),
                            temperature: t, seed: seed, valLabels: labels, test: new TestSplit(f1[^1] - 0.01, labels.Select(l => l ? 0.7 : 0.3).ToArray(), labels));
                    }
        var outDir = Path.Combine(dir.Path, "out");
        var ok = CliProcess.Run("analyze", "--runs", runs, "--out", outDir, "--bootstrap", "100");
        Assert.True(ok.ExitCode == 0, ok.All);
        Assert.Contains("16 pretraining runs with label-free metrics (of 16 finished) in 4 cells", ok.Stdout);
        Assert.Contains("F1 on the held-out test split", ok.Stdout);
        Assert.Contains("cell bootstrap (100 replicates", ok.Stdout);
        Assert.Contains("Best of 17 label-free selector(s) tried", ok.Stdout);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "analysis.json"))).RootElement;
        Assert.Equal(4, json.GetProperty("measured_cells").GetInt32());
        Assert.Equal("test", json.GetProperty("f1_split").GetString());
        Assert.Equal(100, json.GetProperty("bootstrap").GetProperty("replicates").GetInt32());
        Assert.All(json.GetProperty("regret").EnumerateArray(), r => Assert.Equal(2, r.GetProperty("mean_regret_ci").GetArrayLength()));
        Assert.Equal(17, json.GetProperty("selector_comparison")[0].GetProperty("selectors_tried").GetInt32());
    }
}
