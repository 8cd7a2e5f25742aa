using System.Globalization;
using System.Text.Json;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Experiments;

public class ReportTests
{
    /// <summary>Writes a result.json in the contract of docs/result-json.md with metrics that depend on the inputs.</summary>
    static void FakeRun(string root, string method, string backbone, double pct, double f1Natural, double rankMe)
    {
        var dir = Path.Combine(root, $"{method}-{backbone}-{pct}");
        Directory.CreateDirectory(dir);
        var metrics = new Dictionary<string, object>();
        foreach (var key in new[] { "1", "2", "5", "15", "45", "natural" })
        {
            double f1 = key == "natural" ? f1Natural : f1Natural * double.Parse(key == "natural" ? "1" : key, CultureInfo.InvariantCulture) / 45.0;
            metrics[key] = new { f1, f2_ciw = f1 * 0.9, f1_normal = 1 - f1 / 2, precision = f1, recall = 0.95 };
        }
        File.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(new
        {
            status = "completed", failure_reason = (string?)null, method, backbone, resolution = 32, train_defect_pct = pct, seed = 0,
            manifest_sha256 = "abc", rankme = rankMe, metrics,
        }));
        File.WriteAllText(Path.Combine(dir, "metrics.csv"), "step,name,value\n10,rankme/backbone,5\n20,rankme/backbone,7.5\n");
    }

    [Fact]
    public void Table1_puts_our_numbers_beside_the_papers()
    {
        using var dir = new TempDir();
        FakeRun(dir.Path, "simclr", "resnet18", 1, 0.8, 10);
        FakeRun(dir.Path, "simclr", "resnet18", 45, 0.9, 12);
        var runs = RunResult.ReadAll(dir.Path);
        Assert.Equal(2, runs.Count);
        var table = Table1.Build(runs);
        var cell = table.Single(r => r.Metric == "f1" && r.Method == "simclr" && r.Backbone == "resnet18" && r.TrainDefectPct == 45);
        Assert.Equal(0.9, cell.Ours!.Value, 12);
        var paper = PaperReference.Table1().Single(v => v.Metric == "f1" && v.Method == "simclr" && v.Backbone == "resnet18" && v.TrainDefectPct == 45);
        Assert.Equal(paper.Value, cell.Paper);
        Assert.Equal(0.9 - paper.Value, cell.Difference!.Value, 12);
        // Rows of the paper without our runs are kept (ours empty), so the table is always complete.
        Assert.Contains(table, r => r.Method == "dino" && r.Ours is null && r.Paper is not null);
        Assert.Equal(table.Count, (int)Table1.ToDataFrame(table).Rows.Count);
        Assert.Contains("| simclr | resnet18 |", Table1.ToMarkdown(table));
    }

    [Fact]
    public void F2_reading_names_the_reading_closer_to_the_papers_column()
    {
        var paper = PaperReference.Table1().Single(v => v.Metric == "f2_ciw" && v.Method == "simclr" && v.Backbone == "resnet18" && v.TrainDefectPct == 5);
        static RunResult Run(double f2, double f2Ciw) =>
            RunResults.Of("simclr", "resnet18", 5, new Dictionary<string, MetricsReport> { ["natural"] = RunResults.Metrics(f2: f2, f2Ciw: f2Ciw) });
        var binaryCloser = F2Reading.Compare([Run(paper.Value - 0.05, 0.14)]);
        Assert.Equal(1, binaryCloser.Cells);
        Assert.Equal(0.05, binaryCloser.MeanAbsDifferenceF2!.Value, 9);
        Assert.Equal(Math.Abs(0.14 - paper.Value), binaryCloser.MeanAbsDifferenceF2Ciw!.Value, 9);
        Assert.Equal("f2", binaryCloser.Closer);
        Assert.Contains("binary F2 reading is closer", binaryCloser.Sentence);
        Assert.Equal("f2_ciw", F2Reading.Compare([Run(0.1, paper.Value)]).Closer);
        Assert.Null(F2Reading.Compare([]).Closer);
    }

    [Fact]
    public void A_run_is_read_on_test_when_every_run_scored_it_and_validation_stays_one_call_away()
    {
        var validation = new Dictionary<string, MetricsReport> { ["natural"] = RunResults.Metrics(f1: 0.7) };
        var test = new Dictionary<string, MetricsReport> { ["natural"] = RunResults.Metrics(f1: 0.6) };
        var both = RunResults.Of("simclr", "resnet18", 5, validation) with { TestMetrics = test, TestManifestSha256 = new Dictionary<string, string> { ["natural"] = "t" } };
        var old = RunResults.Of("byol", "resnet18", 5, validation);
        Assert.Equal(SewerMlSplit.Test, RunResult.ReportedSplit([both]));
        Assert.Equal(SewerMlSplit.Val, RunResult.ReportedSplit([both, old])); // one table never mixes the two
        var onTest = both.On(SewerMlSplit.Test);
        Assert.Equal((SewerMlSplit.Test, 0.6), (onTest.ScoredSplit, onTest.Metric("natural", "f1")!.Value));
        Assert.Equal("t", onTest.ValManifestSha256["natural"]);
        Assert.Equal(0.7, onTest.On(SewerMlSplit.Val).Metric("natural", "f1")!.Value);
        Assert.Same(both, onTest.On(SewerMlSplit.Val));
        Assert.Equal(SewerMlSplit.Val, old.OnReportedSplit().ScoredSplit);
        Assert.Empty(old.On(SewerMlSplit.Test).Metrics);
        Assert.Equal(["test", "test-natural.json"], [Figures.SplitName([onTest]), Path.GetFileName(RunResult.SubsetManifestFile(SewerMlSplit.Test, "natural"))]);
    }

    [Fact]
    public void Table1_cells_read_ours_interval_paper_over_images_or_seeds()
    {
        var one = new Table1Row("f1", "simclr", "resnet18", 5, 0.4, 1, 0.8) { Low = 0.35, High = 0.45, Floor = FloorVerdict.Better };
        Assert.Equal("0.400† [0.350, 0.450] (0.800)", Table1.Cell(one));
        var seeds = new Table1Row("f1", "simclr", "resnet18", 5, 0.4, 3, 0.8) { Sd = 0.02, Floor = FloorVerdict.CannotTell };
        Assert.Equal("0.400° ± 0.020 (n=3) (0.800)", Table1.Cell(seeds)); // no prediction files: the sd where no interval can be drawn
        Assert.Equal("0.400° [0.370, 0.430] (n=3) (0.800)", Table1.Cell(seeds with { Low = 0.37, High = 0.43 })); // over seeds, then images
        Assert.Equal("0.400↓✗ [0.350, 0.450] (0.800)", Table1.Cell(one with { Floor = FloorVerdict.Worse, DidNotLearn = true }));
        Assert.Equal("0.400↓ [0.350, 0.450] (0.800)", Table1.Cell(one with { Floor = FloorVerdict.Worse }));
        Assert.Equal("0.400 [0.350, 0.450] (0.800)", Table1.Cell(one with { Floor = null }));
        Assert.Equal("– (0.800)", Table1.Cell(new Table1Row("f1", "dino", "resnet18", 5, null, 0, 0.8)));
    }

    [Fact]
    public void Paper_reference_maps_names_and_has_the_published_grid()
    {
        var t1 = PaperReference.Table1();
        Assert.Equal(new[] { "barlow", "byol", "dino", "mae", "simclr", "supervised" }, t1.Select(v => v.Method).Distinct().Order());
        Assert.DoesNotContain(t1, v => v.Method == "mae" && v.Backbone == "resnet18"); // blank in the paper
        Assert.Equal(10, PaperReference.Table2().Count);
        Assert.NotEmpty(PaperReference.Figure2());
    }

    [Fact]
    public void Report_writes_offline_html_tables_and_trace_of_runs()
    {
        using var runs = new TempDir();
        using var outDir = new TempDir();
        FakeRun(runs.Path, "simclr", "resnet18", 1, 0.8, 10);
        FakeRun(runs.Path, "byol", "vit-tiny", 5, 0.7, 6);
        var index = new ReportWriter(outDir.Path).Write(RunResult.ReadAll(runs.Path));
        var html = File.ReadAllText(index);
        Assert.Contains($"<script src=\"{PlotlyHtml.ScriptFile}\">", html);
        Assert.DoesNotContain("cdn.plot.ly/plotly-2.28.0.min.js\"", html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.StartsWith("/**\n* plotly.js v2.28", File.ReadAllText(Path.Combine(outDir.Path, PlotlyHtml.ScriptFile)).TrimStart().Replace("\r", ""));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", "heatmap-resnet18-f1.html")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", "rankme-vs-f1.html")));
        Assert.Contains("simclr,resnet18,1,0.8", File.ReadAllText(Path.Combine(outDir.Path, "table1.csv")));
        Assert.Contains("\"manifest_sha256\": \"abc\"", File.ReadAllText(Path.Combine(outDir.Path, "runs.json")));
    }

    [Fact]
    public void Report_without_runs_is_an_error()
    {
        using var dir = new TempDir();
        Assert.Throws<UserInputException>(() => new ReportWriter(dir.Path).Write(RunResult.ReadAll(dir.Path)));
    }

    [Fact]
    public void Report_figures_get_png_copies_that_show_the_chart()
    {
        BrowserPage.Executable(); // fails loudly where chromium is missing
        using var runs = new TempDir();
        using var outDir = new TempDir();
        FakeRun(runs.Path, "simclr", "resnet18", 1, 0.8, 10);
        FakeRun(runs.Path, "byol", "resnet18", 5, 0.7, 6);
        new ReportWriter(outDir.Path).Write(RunResult.ReadAll(runs.Path));
        var outcome = FigureImages.Render(outDir.Path);
        Assert.Null(outcome.SkippedBecause);
        var pages = Directory.GetFiles(Path.Combine(outDir.Path, "figures"), "*.html");
        Assert.Equal(pages.Select(p => Path.ChangeExtension(p, ".png")).Order(), outcome.Written.Order());
        var size = FigureImages.LayoutSize(File.ReadAllText(Path.Combine(outDir.Path, "figures", "heatmap-resnet18-f1.html")));
        Assert.NotEqual((1100, 720), size); // the figure's own size, not the fallback
        using var heatmap = SkiaSharp.SKBitmap.Decode(Path.Combine(outDir.Path, "figures", "heatmap-resnet18-f1.png"));
        Assert.Equal(size, (heatmap.Width, heatmap.Height));
        // A drawn heatmap has many colours; a blank or error page has a handful.
        var colours = new HashSet<uint>();
        for (int y = 0; y < heatmap.Height; y += 4)
            for (int x = 0; x < heatmap.Width; x += 4)
                colours.Add((uint)heatmap.GetPixel(x, y));
        Assert.True(colours.Count > 50, $"the heatmap PNG has only {colours.Count} colours: the chart did not draw");
        Assert.Empty(Directory.GetFiles(Path.Combine(outDir.Path, "figures"), ".*")); // no temp files left
        Assert.Empty(Directory.GetFiles(Path.Combine(outDir.Path, "figures"), "*.print.html"));
    }

    [Fact]
    public void A_browser_that_fails_costs_the_png_copies_not_the_report()
    {
        using var runs = new TempDir();
        using var outDir = new TempDir();
        FakeRun(runs.Path, "simclr", "resnet18", 1, 0.8, 10);
        var run = CliProcess.Run(["report", "--runs", runs.Path, "--out", outDir.Path],
            new Dictionary<string, string> { [SslAnomaly.Util.HeadlessChromium.ExecutableVariable] = "/bin/false" });
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning: PNG copies of the figures failed", run.Stderr);
        Assert.DoesNotContain("   at ", run.All);
        Assert.True(File.Exists(Path.Combine(outDir.Path, "index.html")));
        var figures = Directory.GetFiles(Path.Combine(outDir.Path, "figures"));
        Assert.Contains(figures, f => f.EndsWith(".html", StringComparison.Ordinal));
        Assert.DoesNotContain(figures, f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".print.html", StringComparison.Ordinal));
    }
}
