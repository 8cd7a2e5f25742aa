using System.Text.Json;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Experiments;

/// <summary>The figure catalogue: one entry per figure, reachable by id, drawn by the report and the notebooks alike.</summary>
public class FigureCatalogueTests
{
    static MetricsReport F1(double f1, double? low = null, double? high = null) =>
        RunResults.Metrics(f1: f1) with { F1Ci95 = low is null ? null : [low, high] };

    static RunResult Run(string method, string backbone, double share, double f1, double? low = null, double? high = null, int seed = 0) =>
        RunResults.Of(method, backbone, share, new Dictionary<string, MetricsReport> { ["natural"] = F1(f1, low, high) }, seed: seed,
            runDirectory: $"/r/{method}-{backbone}-t{share}-s{seed}");

    [Fact]
    public void Every_figure_has_one_id_and_the_headline_is_found_by_name()
    {
        var ids = FigureCatalogue.All.Select(f => f.Id).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Same(FigureCatalogue.Headline, FigureCatalogue.Get("headline"));
        Assert.Same(FigureCatalogue.Resolution, FigureCatalogue.Get(AblationRuns.ResolutionFile));
        Assert.Null(FigureCatalogue.Find("no-such-figure"));
        Assert.Contains("headline", Assert.Throws<ArgumentException>(() => FigureCatalogue.Get("no-such-figure")).Message);
        Assert.All(FigureCatalogue.All, f =>
        {
            Assert.NotEmpty(f.Title);
            Assert.NotEmpty(f.Needs);
        });
    }

    [Fact]
    public void The_headline_draws_table1s_f1_cells_per_method_with_the_floor_and_the_ceiling_apart()
    {
        var runs = new[]
        {
            Run("simclr", "resnet18", 1, 0.30, 0.25, 0.36), Run("simclr", "resnet18", 45, 0.70, 0.66, 0.73),
            Run("random-init", "resnet18", 1, 0.20, 0.15, 0.24), Run("random-init", "resnet18", 45, 0.50, 0.45, 0.55),
            Run("supervised", "resnet18", 1, 0.60, 0.55, 0.64), Run("supervised", "resnet18", 45, 0.90, 0.88, 0.92),
            Run("dino", "vit-tiny", 1, 0.99), // another backbone: not on the headline
        };
        var drawn = Assert.Single(FigureCatalogue.Headline.Draw(new FigureRuns(runs)));
        Assert.Equal("headline", drawn.Name);
        var traces = drawn.Chart.ToJsonElement().GetProperty("data").EnumerateArray().ToList();
        // Table 1's row order: the floor, then the ceiling, then the methods.
        Assert.Equal(["random-init (floor)", "supervised (ceiling)", "simclr"], traces.Select(t => t.GetProperty("name").GetString()));
        var simclr = traces[2];
        Assert.Equal([1.0, 45.0], simclr.GetProperty("x").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal([0.30, 0.70], simclr.GetProperty("y").EnumerateArray().Select(y => y.GetDouble()));
        var bars = simclr.GetProperty("error_y");
        Assert.Equal([0.06, 0.03], bars.GetProperty("array").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 9)));
        Assert.Equal([0.05, 0.04], bars.GetProperty("arrayminus").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 9)));
        Assert.Equal("dash", traces[0].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal("dot", traces[1].GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal("validation", new FigureRuns(runs).Split);
        Assert.Contains("validation split", drawn.Chart.ToJsonElement().GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Empty(FigureCatalogue.Headline.Draw(new FigureRuns([runs[^1]]))); // no ResNet-18 cell: nothing to draw
    }

    [Fact]
    public void The_headline_takes_each_cells_mean_and_interval_from_table1_so_seeds_use_the_interval_over_seeds()
    {
        // A cell over three seeds: the interval is Table 1's (over training runs and images), not any one run's; a cell without one has no bar.
        var table = new List<Table1Row>
        {
            new("f1", "byol", "resnet18", 5, 0.5, 3, null) { Low = 0.4, High = 0.65 },
            new("f1", "byol", "resnet18", 15, 0.6, 3, null),
            new("f1", ReferenceRows.AlwaysDefect, "resnet18", 5, 0.1, 1, null),
            new("f2", "byol", "resnet18", 5, 0.9, 3, null),
        };
        var trace = Assert.Single(HeadlineFigure.Build(table, "test").ToJsonElement().GetProperty("data").EnumerateArray());
        Assert.Equal("byol", trace.GetProperty("name").GetString());
        Assert.Equal([0.5, 0.6], trace.GetProperty("y").EnumerateArray().Select(y => y.GetDouble()));
        var bars = trace.GetProperty("error_y");
        Assert.Equal(0.15, bars.GetProperty("array")[0].GetDouble(), 9);
        Assert.Equal(0.1, bars.GetProperty("arrayminus")[0].GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, bars.GetProperty("array")[1].ValueKind);
        Assert.Contains("0.500 [0.400, 0.650] (n=3)", trace.GetProperty("text")[0].GetString());
    }

    [Fact]
    public void The_notebook_views_show_the_catalogues_charts()
    {
        var runs = new[] { Run("simclr", "resnet18", 1, 0.3), Run("simclr", "resnet18", 45, 0.7), Run("random-init", "resnet18", 1, 0.2) };
        var report = FigureCatalogue.Heatmap.Chart(new FigureRuns(runs), ("resnet18", "f1")).ToJsonElement();
        var notebook = SslAnomaly.Notebooks.ImbalanceViews.Heatmap(runs, "resnet18", "f1", "Figure 2").ToJsonElement();
        Assert.Equal(report.GetProperty("data")[0].GetProperty("z").ToString(), notebook.GetProperty("data")[0].GetProperty("z").ToString());
        Assert.StartsWith("Figure 2: resnet18 F1", notebook.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(FigureCatalogue.CurveNames, SslAnomaly.Notebooks.TrainingCharts.MonitorCurves);
    }

    [Fact]
    public void Every_instance_the_catalogue_draws_has_a_file_of_its_own_and_a_runs_curves_come_from_its_metrics_csv()
    {
        using var dir = new TempDir();
        var runs = new[] { Run("simclr", "resnet18", 1, 0.3), Run("simclr", "vit-tiny", 1, 0.2), Run("random-init", "resnet18", 1, 0.1) }
            .Select(r => r with { RunDirectory = Path.Combine(dir.Path, $"{r.Method}-{r.Backbone}") }).ToList();
        foreach (var run in runs)
        {
            Directory.CreateDirectory(run.RunDirectory);
            File.WriteAllText(Path.Combine(run.RunDirectory, "metrics.csv"), "step,name,value\n10,train/loss,2.5\n20,train/loss,1.5\n10,rankme/backbone,7\n");
        }
        var inputs = new FigureRuns(runs);
        var names = FigureCatalogue.All.SelectMany(f => f.Draw(inputs)).Select(f => f.Name).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Contains("heatmap-vit-tiny-f1", names);
        Assert.Contains("run-loss-simclr-vit-tiny", names);
        var loss = FigureCatalogue.RunLoss.Chart(inputs, runs[0]).ToJsonElement().GetProperty("data")[0];
        Assert.Equal([2.5, 1.5], loss.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        var rankMe = SslAnomaly.Notebooks.TrainingCharts.RankMe(runs[0]).ToJsonElement().GetProperty("data");
        Assert.Equal(("rankme/backbone", 7.0), (rankMe[0].GetProperty("name").GetString(), rankMe[0].GetProperty("y")[0].GetDouble()));
        // The report draws no run's own curves: those are the notebooks'.
        Assert.DoesNotContain(FigureCatalogue.DrawReport(inputs), f => f.Name.StartsWith("run-", StringComparison.Ordinal));
    }

    /// <summary>A finished run written where a sweep puts it, as the runner writes result.json.</summary>
    static void Write(string runDirectory, RunResult run)
    {
        Directory.CreateDirectory(runDirectory);
        File.WriteAllText(Path.Combine(runDirectory, RunDirectory.ResultFile), JsonSerializer.Serialize(run, RunResult.Json));
    }

    /// <summary>A sweep folder of <paramref name="grid"/> on the smoke profile with every entry finished; F1 from the entry.</summary>
    static SweepPlan Sweep(string dir, string grid, Func<SweepEntry, double> f1)
    {
        Directory.CreateDirectory(dir);
        var plan = SweepPlan.Create(grid, Profiles.Smoke, null, null, 0, null, null, null).SaveOrVerify(dir);
        foreach (var e in plan.Entries)
            Write(plan.RunDirectoryOf(dir, e), RunResults.Of(e.Method, e.Backbone, e.TrainDefectPct,
                new Dictionary<string, MetricsReport> { ["natural"] = F1(f1(e)) }, seed: e.Seed, resolution: e.Resolution ?? 32));
        return plan;
    }

    [Fact]
    public void The_report_shows_table2_and_figure3_when_their_sweeps_are_given_and_keeps_them_out_of_table1()
    {
        using var runs = new TempDir();
        using var outDir = new TempDir();
        var resolution = Sweep(Path.Combine(runs.Path, "resolution"), Grids.Resolution, e => e.Resolution!.Value / 100.0);
        var augmentation = Sweep(Path.Combine(runs.Path, "augmentation"), Grids.Augmentation, e => e.MinScale!.Value + e.TVal!.Value / 10);
        Write(Path.Combine(runs.Path, "simclr"), Run("simclr", "resnet18", 5, 0.4));

        var all = RunResult.ReadAll(runs.Path);
        var (others, ablations) = AblationRuns.Separate(all);
        Assert.Equal(["simclr"], others.Select(r => r.Method));
        Assert.Equal(resolution.Entries.Count, ablations.Resolution.Count);
        Assert.Equal(augmentation.Entries.Select(e => (e.MinScale!.Value, e.TVal!.Value)).Order(),
            ablations.Augmentation.Select(a => (a.MinScale, a.TVal)).Order());

        var index = File.ReadAllText(new ReportWriter(outDir.Path).Write(all));
        var table2 = File.ReadAllText(Path.Combine(outDir.Path, AblationRuns.ResolutionFile + ".csv"));
        Assert.Contains("resnet18,16,0.16,,completed", table2); // ours at 16 px; the paper has no 16 px row
        Assert.Contains("resnet18,64,,0.877,not run (paper only)", table2);
        var figure3 = File.ReadAllText(Path.Combine(outDir.Path, AblationRuns.AugmentationFile + ".csv"));
        Assert.Contains("0.71,0.8,0.79,", figure3);
        Assert.True(File.Exists(Path.Combine(outDir.Path, AblationRuns.ResolutionFile + ".md")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", AblationRuns.ResolutionFile + ".html")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", AblationRuns.AugmentationFile + ".html")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", HeadlineFigure.Name + ".html")));
        Assert.Contains("Table 2: F1 by input resolution", index);
        Assert.Contains("Figure 3: F1 (natural validation split) of the supervised resnet18", index);
        // The ablations' supervised runs are no cell of Table 1 (the paper's supervised row stays, without ours).
        var table1 = File.ReadAllLines(Path.Combine(outDir.Path, "table1.csv"));
        Assert.Contains(table1, l => l.StartsWith("f1,supervised,resnet18,45,,0,", StringComparison.Ordinal));
        Assert.Contains(table1, l => l.StartsWith("f1,simclr,resnet18,5,0.4,1,", StringComparison.Ordinal));
        // runs.json still lists every run behind a number, the ablations' too.
        Assert.Equal(all.Count, JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir.Path, "runs.json"))).RootElement.GetArrayLength());
    }

    [Fact]
    public void Without_ablation_runs_the_report_writes_no_table2_or_figure3()
    {
        using var runs = new TempDir();
        using var outDir = new TempDir();
        Write(Path.Combine(runs.Path, "simclr"), Run("simclr", "resnet18", 5, 0.4));
        var index = File.ReadAllText(new ReportWriter(outDir.Path).Write(RunResult.ReadAll(runs.Path)));
        Assert.DoesNotContain("Table 2", index);
        Assert.DoesNotContain("Ablations", index);
        Assert.Empty(Directory.GetFiles(outDir.Path, "table2-*").Concat(Directory.GetFiles(outDir.Path, "figure3-*")));
        Assert.Empty(Directory.GetFiles(Path.Combine(outDir.Path, "figures"), "*3-augmentation*"));
        Assert.False(File.Exists(Path.Combine(outDir.Path, "figures", AblationRuns.ResolutionFile + ".html")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", HeadlineFigure.Name + ".html")));
    }

    [Fact]
    public void A_run_folder_outside_a_sweep_or_unnamed_by_its_plan_is_no_ablation_run()
    {
        using var dir = new TempDir();
        var plan = SweepPlan.Create(Grids.Resolution, Profiles.Smoke, null, null, 0, null, null, null).SaveOrVerify(dir.Path);
        var named = plan.RunDirectoryOf(dir.Path, plan.Entries[0]);
        Assert.Equal(Path.GetFullPath(dir.Path), SweepPlan.SweepDirectoryOf(named));
        Assert.Equal(plan.Entries[0], plan.EntryOf(named + Path.DirectorySeparatorChar));
        Assert.Null(plan.EntryOf(Path.Combine(SweepPlan.RunsDirectory(dir.Path), "supervised-resnet18-r999")));
        Assert.Null(SweepPlan.SweepDirectoryOf(Path.Combine(dir.Path, "elsewhere", "run")));
        Assert.Null(SweepPlan.SweepDirectoryOf(""));
        var stray = RunResults.Of("supervised", "resnet18", 45, runDirectory: Path.Combine(SweepPlan.RunsDirectory(dir.Path), "supervised-resnet18-r999"));
        Assert.Equal([stray], AblationRuns.Separate([stray]).Others);
        // A plan that cannot be read names itself rather than letting its runs count as cells of Table 1.
        File.WriteAllText(Path.Combine(dir.Path, SweepPlan.PlanFile), "{ not json");
        Assert.Contains(SweepPlan.PlanFile, Assert.Throws<UserInputException>(() => AblationRuns.Separate([stray])).Message);
    }
}
