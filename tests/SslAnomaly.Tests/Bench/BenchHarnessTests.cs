using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Bench;
using SslAnomaly.Experiments;
using SslAnomaly.Tests.Support;

namespace SslAnomaly.Tests.Bench;

/// <summary>The benchmark harness's command line, report writer and interleaving: no timings are asserted.</summary>
public class BenchHarnessTests
{
    [Fact]
    public void Defaults_are_the_full_run_on_every_section()
    {
        var o = BenchOptions.Parse([]);
        Assert.False(o.Quick);
        Assert.Null(o.JsonPath);
        Assert.Equal(64, o.Batch);
        Assert.Equal(5, o.Rounds);
        Assert.Equal(2, o.StepsPerWindow);
        Assert.True(o.Include224);
        Assert.Equal(BenchOptions.AllSections, o.Sections);
        Assert.Equal(Environment.ProcessorCount, o.Threads);
        Assert.Equal("default", o.OmpWaitOurs); // as ssl-anomaly run gets it
        Assert.Equal("passive", o.OmpWaitPyTorch); // the PyTorch side's fastest
        Assert.False(o.Runs("profile"));
        Assert.False(o.Runs("split"));
        Assert.Equal([PyTorchVariant.Tuned], o.PyTorchVariants); // the tuned script is the headline, alone by default
        // Every method with a training step, and not the random-init floor, which has none to time.
        Assert.Equal(["simclr", "byol", "barlow", "dino", "mae", "supervised"], o.Methods);
    }

    [Fact]
    public void The_nchw_script_is_a_secondary_reference_and_split_reads_a_runs_folder()
    {
        var o = BenchOptions.Parse(["--pytorch-nchw", "--only", "split,train", "--runs", "out/sweep/runs"]);
        Assert.Equal([PyTorchVariant.Tuned, PyTorchVariant.Nchw], o.PyTorchVariants);
        Assert.True(o.Runs("split"));
        Assert.Equal("out/sweep/runs", o.RunsDirectory);
        var e = Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(["--only", "split"]));
        Assert.Contains("--runs", e.Message);
        Assert.Null(o.PeakGflopsOverride); // measured in the process
        Assert.Equal(91.5, BenchOptions.Parse(["--only", "split", "--runs", "r", "--peak-gflops", "91.5"]).PeakGflopsOverride);
        Assert.Contains("positive number", Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(["--peak-gflops", "0"])).Message);
    }

    [Fact]
    public void A_run_costs_its_planned_steps_and_the_rows_its_last_features_line_names()
    {
        var config = Profiles.Scale(Profiles.Standard) with { TrainSize = 2000, BatchSize = 64, Epochs = 8 };
        Assert.Equal(31 * 8, GridCost.PlannedSteps(config)); // full batches only: 2000 / 64 = 31
        Assert.Equal(0, GridCost.PlannedSteps(config with { Epochs = 0 }));
        Assert.Equal(3255 + 4848 + 4886, GridCost.FeatureRows(
        [
            "features: 10 probe-training and 20 val rows in 1.0 s",
            "probe trained in 2.0 s (200 L-BFGS iterations)",
            "features: 3255 probe-training and 4848 val and 4886 test rows in 67.8 s",
        ]));
        Assert.Null(GridCost.FeatureRows(["training completed after 62 steps in 50.0 s (41.2 img/s)"]));
    }

    [Fact]
    public void A_sweep_is_costed_whole_finished_runs_from_their_folders_and_the_rest_from_the_plan()
    {
        using var dir = new TempDir();
        var plan = SweepPlan.Create(Grids.Quick, Profiles.Smoke, ["simclr"], [BackboneConfig.ResNet18], 0, null, null, null).SaveOrVerify(dir.Path);
        var done = plan.Entries.First(e => e.Method == "simclr");
        string runDir = plan.RunDirectoryOf(dir.Path, done);
        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, RunDirectory.ConfigFile), plan.Config(done).ToJson());
        File.WriteAllLines(Path.Combine(runDir, RunDirectory.LogFile),
        [
            "--- 2026-11-30T03:00:00.0000000+00:00 start (pid 1)",
            "training completed after 30 steps in 40.0 s (41.2 img/s); this process trained 30 steps, from step 0",
            "features: 300 probe-training and 100 val and 100 test rows in 5.0 s",
            "--- 2026-11-30T03:01:00.0000000+00:00 completed",
        ]);
        var result = RunResults.Of("simclr", BackboneConfig.ResNet18, done.TrainDefectPct, runDirectory: runDir) with { Steps = 30, EvaluationSeconds = 10 };
        File.WriteAllText(Path.Combine(runDir, RunDirectory.ResultFile), System.Text.Json.JsonSerializer.Serialize(result, RunResult.Json));

        // A stand-in count: 1 GFLOP per step of a method that trains, 1 MFLOP per image through the backbone.
        static ModelFlops Count(ExperimentConfig c) => new(GridCost.PlannedSteps(c) > 0 ? 1e9 : 0, 1e6);
        var runs = GridCost.Read(dir.Path, Count);
        Assert.Equal(plan.Entries.Count, runs.Count);
        var finished = Assert.Single(runs, r => r.Finished);
        Assert.Equal((done.RunName, 30L, 500.0), (finished.Name, finished.Steps, finished.FeatureRows));
        Assert.Equal(40, finished.Times!.TrainingSeconds);
        foreach (var planned in runs.Where(r => !r.Finished))
        {
            var entry = plan.Entries.Single(e => e.RunName == planned.Name);
            Assert.Equal(GridCost.PlannedSteps(plan.Config(entry)), planned.Steps);
            Assert.Equal(500.0, planned.FeatureRows); // the splits the finished runs scored
        }
        Assert.Contains(runs, r => r.Method == "random-init" && r.TrainingFlops == 0 && r.FeatureFlops == 5e8);

        var cost = new StudyCost(runs, PeakFlopsPerThread: 1e9, Parallel: 2);
        Assert.Equal(runs.Sum(r => r.Steps * (r.Method == "random-init" ? 0 : 1e9)), cost.TrainingFlops);
        Assert.Equal((cost.TrainingFlops + runs.Count * 5e8) / 1e9 / 2, cost.FloorWallSeconds, 9);
        Assert.Equal(60, cost.BusyWallSeconds, 9);
        Assert.Equal(30 * 1e9 / 40 / 1e9, cost.TrainingShareOfPeak(runs), 9); // only finished runs have a share
    }

    [Fact]
    public void The_count_of_a_config_is_a_training_step_of_its_model_with_the_views_its_recipe_makes()
    {
        var counter = new GridCost.Counter();
        var simclr = ExperimentConfigBuilder.Build(Profiles.Smoke, null, new ExperimentChoices { Method = "simclr", Backbone = BackboneConfig.ResNet18, TrainDefectPct = 5 }, []);
        var floor = ExperimentConfigBuilder.Build(Profiles.Smoke, null, new ExperimentChoices { Method = "random-init", Backbone = BackboneConfig.ResNet18, TrainDefectPct = 5 }, []);
        var step = counter.Count(simclr);
        // Two trained views of the batch through the backbone cost at least 3 forward passes each (forward, two gradients).
        Assert.True(step.StepFlops >= 2 * 3 * simclr.BatchSize * step.ForwardFlopsPerImage, $"{step}");
        Assert.True(step.StepFlops < 1.2 * 2 * 3 * simclr.BatchSize * step.ForwardFlopsPerImage, $"{step}"); // the heads are small
        var untrained = counter.Count(floor);
        Assert.Equal((0.0, step.ForwardFlopsPerImage), (untrained.StepFlops, untrained.ForwardFlopsPerImage));
        Assert.Equal(step, counter.Count(simclr with { Seed = 3, TrainDefectPct = 45 })); // the same shapes: counted once
    }

    [Fact]
    public void Quick_and_explicit_options_parse()
    {
        var o = BenchOptions.Parse(["--quick", "--json", "out/bench.json", "--threads", "3", "--only", "train,augment",
            "--methods", "simclr,mae", "--backbones", "vit-tiny", "--rounds", "7", "--omp-wait", "default", "--no-python"]);
        Assert.True(o.Quick);
        Assert.Equal("out/bench.json", o.JsonPath);
        Assert.Equal(3, o.Threads);
        Assert.Equal(["train", "augment"], o.Sections);
        Assert.Equal(["simclr", "mae"], o.Methods);
        Assert.Equal(["vit-tiny"], o.Backbones);
        Assert.Equal(7, o.Rounds);
        Assert.Equal(64, o.Batch); // the headline shape in both modes
        Assert.Equal(1, o.StepsPerWindow);
        Assert.False(o.Include224);
        Assert.True(o.NoPython);
        Assert.Equal(("default", "default"), (o.OmpWaitOurs, o.OmpWaitPyTorch)); // --omp-wait sets both sides
        Assert.True(BenchOptions.Parse(["--only", "profile"]).Runs("profile"));
        var perSide = BenchOptions.Parse(["--omp-wait", "active", "--omp-wait-ours", "passive"]);
        Assert.Equal(("passive", "active"), (perSide.OmpWaitOurs, perSide.OmpWaitPyTorch));
        Assert.Equal("default", BenchOptions.Parse(["--omp-wait-pytorch", "default"]).OmpWaitPyTorch);
    }

    [Fact]
    public void The_peak_is_the_faster_of_the_two_gemms()
    {
        Assert.Equal(213.5, new PeakResult(2, 2048, 186.8, 213.5).Best);
        Assert.Equal(186.8, new PeakResult(2, 2048, 186.8, 150.0).Best);
        Assert.Equal(186.8, new PeakResult(2, 2048, 186.8, null).Best); // no PyTorch side: ours alone
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--threads", "0")]
    [InlineData("--threads", "two")]
    [InlineData("--only", "train,gpu")]
    [InlineData("--methods", "moco")]
    [InlineData("--omp-wait", "sometimes")]
    [InlineData("--omp-wait-ours", "spin")]
    [InlineData("--omp-wait-pytorch")]
    [InlineData("--frobnicate")]
    public void Bad_command_lines_are_usage_errors(params string[] args)
    {
        var e = Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(args));
        Assert.Contains(args[0], e.Message);
    }

    [Fact]
    public void Report_writes_dotted_sections_atomically_and_reads_numbers_back()
    {
        using var dir = new TempDir();
        var report = new BenchReport();
        report.Section("train_step.resnet18")["ratio_vs_pytorch"] = BenchReport.Num(1.234567);
        report.Section("train_step.vit_tiny")["ratio_vs_pytorch"] = BenchReport.Num(double.NaN);
        report.Section("augment")["ratio_vs_train_step"] = BenchReport.Num(12.5);
        string path = dir.File("sub/bench.json");
        report.Write(path);

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(1, json["schema"]!.GetValue<int>());
        Assert.Equal(1.235, json["train_step"]!["resnet18"]!["ratio_vs_pytorch"]!.GetValue<double>());
        Assert.Null(json["train_step"]!["vit_tiny"]!["ratio_vs_pytorch"]);
        Assert.Equal(12.5, report.Number("augment.ratio_vs_train_step"));
        Assert.Null(report.Number("augment.missing"));
        Assert.Null(report.Number("train_step.vit_tiny.ratio_vs_pytorch"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void Statistics_ignore_values_that_cannot_be_averaged()
    {
        Assert.Equal(2.0, BenchReport.GeometricMean([1, 4, double.NaN, 0]), 12);
        Assert.True(double.IsNaN(BenchReport.GeometricMean([])));
        Assert.Equal(2.5, BenchReport.Median([4, 1, 3, 2]));
        Assert.Equal(3, BenchReport.Median([5, 3, 1]));
        Assert.Equal(0.001235, BenchReport.Round(0.00123456, 4));
        Assert.Equal(123500, BenchReport.Round(123456, 4));
    }

    [Fact]
    public void Interleaving_alternates_the_order_and_pairs_rounds()
    {
        var order = new List<string>();
        int ours = 0, theirs = 0;
        var comparison = Interleaved.Run(4,
            () => { order.Add($"o{ours}"); return new Window(1, ++ours == 1 ? 1 : 10); },
            () => { order.Add($"t{theirs}"); return new Window(2, ++theirs == 1 ? 1 : 10); },
            TimeSpan.Zero);
        // Warm-up (o0, t0), then rounds: ours first, theirs first, ours first, theirs first.
        Assert.Equal(["o0", "t0", "o1", "t1", "t2", "o2", "o3", "t3", "t4", "o4"], order);
        Assert.Equal(4, comparison.Ours.Count);
        Assert.Equal(4, comparison.Theirs.Count);
        Assert.Equal(10.0, comparison.OursRate);
        Assert.Equal(5.0, comparison.TheirRate);
        Assert.Equal(2.0, comparison.Ratio);
        Assert.All(comparison.RoundRatios, r => Assert.Equal(2.0, r));
        var json = comparison.ToJson();
        Assert.Equal(2.0, json["ratio"]!.GetValue<double>());
        Assert.Equal(4, json["round_ratios"]!.AsArray().Count);
    }

    [Fact]
    public void Without_a_reference_only_our_side_is_timed()
    {
        var comparison = Interleaved.Run(3, () => new Window(0.5, 5), null, TimeSpan.Zero);
        Assert.Equal(3, comparison.Ours.Count);
        Assert.Empty(comparison.Theirs);
        Assert.Equal(10.0, comparison.OursRate);
        Assert.True(double.IsNaN(comparison.Ratio));
        Assert.Null(comparison.ToJson()["ratio"]);
    }
}
