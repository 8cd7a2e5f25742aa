using Microsoft.DotNet.Interactive.Formatting;
using SslAnomaly.Data.Synthetic;
using SslAnomaly.Notebooks;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>The helpers the notebooks 01-06 call, without training anything (the notebook test runs them for real).</summary>
public class NotebookLibraryTests
{
    public NotebookLibraryTests() => NotebookDisplay.Register();

    [Fact]
    public void Markdown_tables_render_as_html_tables_and_keep_their_source_as_text()
    {
        var md = new MarkdownText("### F1: ours (paper)\n\n| method | 1 % |\n|---|---:|\n| simclr | 0.5 (0.7) |\n\nDone **now** with `code`.");
        string html = md.ToDisplayString("text/html");
        Assert.Contains("<h4>F1: ours (paper)</h4>", html);
        Assert.Contains("<td style=\"text-align: right;\">0.5 (0.7)</td>", html);
        Assert.Contains("<p>Done <strong>now</strong> with <code>code</code>.</p>", html);
        Assert.Equal(md.Markdown, md.ToDisplayString("text/plain"));
        Assert.DoesNotContain("<script", new MarkdownText("| <script> |\n|---|\n| x |").ToHtml());
    }

    [Fact]
    public void The_profile_overview_reads_each_profiles_scale()
    {
        Assert.Equal(
            [("smoke", 32, 256, 200, 2, 32), ("quick", 64, 1000, 1000, 2, 32), ("standard", 64, 2000, 3000, 8, 64), ("paper", 224, 200_000, 20_000, 100, 256)],
            ProfileOverview.All().Select(p => (p.Profile, p.Resolution, p.TrainImages, p.ValImages, p.Epochs, p.BatchSize)));
    }

    [Fact]
    public void Experiments_layer_the_profile_and_smoke_overrides_like_the_run_command()
    {
        using var dir = new TempDir();
        var smoke = new NotebookExperiments("smoke", dir.File("out"));
        var config = smoke.Config("simclr", "resnet18", 5);
        var expected = ExperimentConfigBuilder.Build("smoke", null,
            new ExperimentChoices { Method = "simclr", Backbone = "resnet18", TrainDefectPct = 5.0, Seed = 0 }, Profiles.NotebookSets("smoke"));
        Assert.Equal(expected.ToJson(), config.ToJson());
        Assert.Equal(96, config.TrainSize);
        Assert.Equal(1, config.Threads);
        Assert.Empty(new NotebookExperiments("quick", dir.File("out")).Sets);
        Assert.Equal(Path.Combine(dir.File("out"), "imbalance-sweep"), smoke.SweepDirectory);
        Assert.Equal(["supervised", "simclr"], Profiles.NotebookMethods("smoke"));
        var error = Assert.Throws<UserInputException>(() => new NotebookExperiments("paper", dir.File("out")));
        Assert.Contains(NotebookExperiments.DataRootVariable, error.Message);
    }

    [Fact]
    public void A_finished_run_is_reused_and_one_of_another_configuration_is_refused()
    {
        using var dir = new TempDir();
        var experiments = new NotebookExperiments("smoke", dir.File("out"), log: TextWriter.Null);
        var config = experiments.Config("supervised", "resnet18", 45);
        var run = dir.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), config.ToJson());
        File.WriteAllText(Path.Combine(run, "result.json"),
            """{"status":"completed","method":"supervised","backbone":"resnet18","train_defect_pct":45,"metrics":{"natural":{"f1":0.5}}}""");
        Assert.Equal(0.5, experiments.Run(run, config).Metric("natural", "f1"));
        var other = experiments.Config("supervised", "resnet18", 45) with { Epochs = 3 };
        var error = Assert.Throws<UserInputException>(() => experiments.Run(run, other));
        Assert.Contains("different configuration", error.Message);
    }

    [Fact]
    public async Task A_run_held_by_another_process_is_waited_for_then_reused()
    {
        using var dir = new TempDir();
        var experiments = new NotebookExperiments("smoke", dir.File("out"), log: TextWriter.Null);
        var config = experiments.Config("supervised", "resnet18", 45);
        var run = dir.File("run");
        Task<RunResult> waiting;
        using (var held = RunDirectory.Open(run))
        {
            waiting = Task.Run(() => experiments.Run(run, config));
            await Task.Delay(500);
            Assert.False(waiting.IsCompleted);
            File.WriteAllText(held.ConfigPath, config.ToJson());
            File.WriteAllText(held.ResultPath, """{"status":"completed","method":"supervised","backbone":"resnet18","train_defect_pct":45,"metrics":{}}""");
        }
        var summary = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunStatus.Completed, summary.Status);
    }

    [Fact]
    public void The_data_tour_shows_every_class_and_builds_reproducible_nested_manifests()
    {
        using var dir = new TempDir();
        var options = new SyntheticSewerOptions { Train = 120, Val = 40, Test = 40, Resolution = 32, Seed = 5 };
        SyntheticSewer.Generate(dir.File("data"), options);
        var tour = DataTour.Open(dir.File("data"), embeddedSeed: 5);
        Assert.Equal([120, 40], tour.Splits().Select(s => s.Images));
        Assert.Equal(tour.Train.DefectCount, tour.Splits()[0].Defective);

        var grid = tour.SamplesPerClass(perClass: 1, resolution: 32);
        Assert.Equal(18, grid.Tiles.Count); // normal + 17 codes, a blank tile where a class has no frame
        Assert.Equal("normal", grid.Tiles[0].Caption);

        var first = tour.BuildManifests(dir.File("m"), 40, [5, 45]);
        var again = tour.BuildManifests(dir.File("m2"), 40, [5, 45]);
        Assert.Equal(first.Select(m => m.Sha256), again.Select(m => m.Sha256));
        Assert.Equal([2, 18], first.Select(m => m.Defects));
        Assert.NotEqual(first[0].Sha256, tour.BuildManifests(dir.File("m"), 40, [5], seed: 1)[0].Sha256);
        var overlap = DataTour.Overlap(dir.File("m/train-5pct.json"), dir.File("m/train-45pct.json"));
        Assert.Equal(2, overlap.SharedDefects); // the 5 % subset's defects are the first of the 45 % subset's
        Assert.Equal(22, overlap.SharedNormals);
        Assert.Contains("\"bar\"", tour.ClassBalanceChart().ToJson());
    }

    [Fact]
    public void The_data_tour_explains_defect_sizes_and_visibility_at_the_run_resolution()
    {
        using var dir = new TempDir();
        SyntheticSewer.Generate(dir.File("data"), new SyntheticSewerOptions { Train = 200, Val = 40, Test = 40, Resolution = 32, Seed = 5, DefectScale = 2.5 });
        var tour = DataTour.Open(dir.File("data"), embeddedSeed: 5, defectScale: 2.5);
        var grid = tour.AtResolutions(32, 64);
        Assert.Equal(0, grid.Tiles.Count % 2);
        Assert.Equal([32, 64], grid.Tiles.Take(2).Select(t => t.Width));
        Assert.EndsWith("at 32 px", grid.Tiles[0].Caption);

        var sizes = tour.DefectSizes([32, 64], frames: 2);
        Assert.Equal(17 * 2, sizes.Count);
        var crack = sizes.Where(s => s.Code == "RB").ToDictionary(s => s.Resolution);
        Assert.True(crack[64].MedianPixels > crack[32].MedianPixels);
        Assert.Empty(DataTour.Open(dir.File("data")).DefectSizes([32])); // not the embedded data: nothing to render

        // Visibility: a model that flags every frame finds every class present in the split.
        Directory.CreateDirectory(dir.File("run"));
        File.WriteAllLines(Path.Combine(dir.File("run"), "predictions-val.csv"), ["Filename,Defect", .. tour.Val.Filenames.Select(f => $"{f},0.9")]);
        var visibility = tour.Visibility(dir.File("run"));
        Assert.All(visibility.Where(v => v.Frames > 0), v => Assert.Equal(1.0, v.Recall));
    }

    [Fact]
    public void Findings_and_the_self_supervised_list_leave_the_random_init_floor_out()
    {
        static RunResult Run(string method, string backbone, double f1, double rankMe) =>
            RunResults.Of(method, backbone, 45, new Dictionary<string, MetricsReport> { ["natural"] = RunResults.Metrics(f1: f1) }, rankMe: rankMe, runDirectory: $"/r/{method}-{backbone}");
        // The floors score above the supervised model (resnet18) and have the highest RankMe (vit-tiny), as an untrained
        // network can: counted as SSL methods they would reverse claims 1 and 4.
        var runs = new[]
        {
            Run("supervised", "resnet18", 0.8, 10), Run("simclr", "resnet18", 0.6, 30), Run("random-init", "resnet18", 0.9, 5),
            Run("supervised", "vit-tiny", 0.7, 10), Run("dino", "vit-tiny", 0.5, 20), Run("random-init", "vit-tiny", 0.4, 100),
        };
        var claims = PaperComparison.Claims(runs);
        Assert.Equal("supervised has the best F1 in 2 of 2 (backbone, train share) cells", claims[0].Ours);
        Assert.Equal("yes", claims[0].Agrees);
        Assert.Equal("mean final RankMe of the SSL runs: resnet18 30.0, vit-tiny 20.0", claims[3].Ours);
        Assert.Equal("yes", claims[3].Agrees);
        var sweep = new ImbalanceSweep("/r", ["supervised", "simclr", "dino", "random-init"], ["resnet18", "vit-tiny"], runs);
        Assert.Equal(["simclr", "dino"], sweep.SelfSupervised.Select(r => r.Method));
    }

    [Fact]
    public void Ablation_and_comparison_tables_put_ours_beside_the_paper()
    {
        static RunResult Run(string backbone, int resolution, double f1) =>
            RunResults.Of("supervised", backbone, 45, new Dictionary<string, MetricsReport> { ["natural"] = RunResults.Metrics(f1: f1) }, resolution: resolution);
        var table = AblationViews.ResolutionTable([Run("resnet18", 32, 0.41), Run("resnet18", 64, 0.5)]);
        Assert.Equal([32, 64, 128, 224, 384, 512], table.Select(l => l.Resolution));
        Assert.Equal(new ResolutionLine("resnet18", 64, 0.5, 0.877, "completed"), table[1]);
        Assert.Null(table[0].PaperBestF1);
        Assert.DoesNotContain(table, l => l.Backbone == "vit-tiny");

        var cells = new List<Table1Row>
        {
            new("f1", "simclr", "resnet18", 1, 0.2, 1, 0.7),
            new("f1", "simclr", "resnet18", 45, 0.6, 1, 0.8),
        };
        var summary = PaperComparison.Summary(cells).Single(s => s.Metric == "F1");
        Assert.Equal(2, summary.Cells);
        Assert.Equal(-0.35, summary.MeanDifference, 6);
        Assert.Equal(0.35, summary.MeanAbsDifference, 6);
        Assert.StartsWith("Spearman 1.00", summary.RankAgreement);
        Assert.Contains("ours minus the paper", PaperComparison.DifferenceHeatmap(cells).ToDisplayString("text/plain"));
    }
}
