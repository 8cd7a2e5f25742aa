using System.Text.Json.Nodes;
using SslAnomaly.Bench;

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
    }

    [Fact]
    public void A_run_log_splits_into_start_up_pretraining_features_and_probe()
    {
        string[] log =
        [
            "--- 2026-11-30T03:00:00.0000000+00:00 start (pid 1)",
            "training interrupted after 10 steps in 5.0 s (40.0 img/s); this process trained 10 steps, from step 0",
            "--- 2026-11-30T03:00:09.0000000+00:00 interrupted at step 10 (checkpoint step-10.pt)",
            "--- 2026-11-30T03:51:41.9372109+00:00 start (pid 601)",
            "data: embedded at /cache; train 1000 images",
            "training completed after 62 steps in 53.5 s (41.2 img/s); this process trained 52 steps, from step 10",
            "features: 3255 probe-training and 1318 validation rows in 15.3 s",
            "probe trained in 15.7 s (200 L-BFGS iterations)",
            "grid with 200 bootstrap samples done at 15.8 s",
            "--- 2026-11-30T03:52:51.7206143+00:00 completed",
        ];
        var split = TimeSplit.Parse("simclr-resnet18-t1-s0", "simclr", "resnet18", log)!;
        // The last completed attempt: 69.78 s from start to completed.
        Assert.Equal(69.7834034, split.Total, 6);
        Assert.Equal(53.5, split.Pretraining);
        Assert.Equal(15.3, split.Features);
        Assert.Equal(0.5, split.ProbeAndGrid, 9);
        Assert.Equal(69.7834034 - 53.5 - 15.8, split.StartupAndData, 6);
        Assert.Null(TimeSplit.Parse("killed", "simclr", "resnet18", log.Take(3)));
    }

    [Fact]
    public void The_split_reads_run_folders_of_both_config_shapes()
    {
        using var dir = new TempDir();
        string[] log =
        [
            "--- 2026-11-30T03:00:00.0000000+00:00 start (pid 1)",
            "training completed after 62 steps in 50.0 s (41.2 img/s); this process trained 62 steps, from step 0",
            "features: 3255 probe-training and 1318 validation rows in 15.0 s",
            "grid with 200 bootstrap samples done at 16.0 s",
            "--- 2026-11-30T03:01:10.0000000+00:00 completed",
        ];
        void Run(string name, string config)
        {
            Directory.CreateDirectory(dir.File(name));
            File.WriteAllText(Path.Combine(dir.File(name), "config.json"), config);
            File.WriteAllLines(Path.Combine(dir.File(name), "run.log"), log);
        }
        Run("new", """{"method": {"name": "dino", "dino_prototypes": 1024}, "backbone": "vit-tiny"}""");
        Run("old", """{"method": "byol", "backbone": "resnet18"}""");
        var (runs, skipped) = TimeSplit.Read(dir.Path);
        Assert.Empty(skipped);
        Assert.Equal([("new", "dino", "vit-tiny"), ("old", "byol", "resnet18")], runs.Select(r => (r.Run, r.Method, r.Backbone)));
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
