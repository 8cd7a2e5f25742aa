using System.Text.Json.Nodes;
using SslAnomaly.Bench;
using SslAnomaly.Tests.Support;
using Xunit;

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
        Assert.Equal("passive", o.OmpWait);
        Assert.False(o.Runs("profile"));
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
        Assert.Equal("default", o.OmpWait);
        Assert.True(BenchOptions.Parse(["--only", "profile"]).Runs("profile"));
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--threads", "0")]
    [InlineData("--threads", "two")]
    [InlineData("--only", "train,gpu")]
    [InlineData("--methods", "moco")]
    [InlineData("--omp-wait", "sometimes")]
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
