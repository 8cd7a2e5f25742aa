using System.Text.Json;
using SslAnomaly.Notebooks;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>
/// The notebooks show a published study when no profile is asked for and no local runs exist, say which, and never train
/// for what the study holds; asking for a profile runs (or reuses) the notebooks' own experiments.
/// </summary>
[Collection(EnvironmentVariables.Name)]
public class CommittedStudyTests
{
    static void FinishedRun(string runs, string method, double pct, string commit = "0123456789abcdef0123") =>
        // The study's own config (a train size no profile has), so that the notebooks' config views can be told to read it.
        FinishedRunOf(Path.Combine(runs, $"{method}-resnet18-t{pct}-s0"), ExperimentConfigBuilder.Build("standard", null,
            new ExperimentChoices { Method = method, Backbone = "resnet18", TrainDefectPct = pct }, ["train_size=123"]), commit);

    /// <summary>A finished run folder of <paramref name="config"/>: its config.json and a small result.json (F1 = share / 100).</summary>
    static void FinishedRunOf(string dir, ExperimentConfig config, string commit = "0123456789abcdef0123")
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJson());
        File.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(new
        {
            status = "completed", method = config.Method.Name, backbone = "resnet18", resolution = 64, train_defect_pct = config.TrainDefectPct, seed = 0,
            profile = config.Profile, manifest_sha256 = "abc", environment = new Dictionary<string, string> { ["code_commit"] = commit },
            metrics = new Dictionary<string, object> { ["natural"] = new { f1 = config.TrainDefectPct / 100, precision = 0.5, recall = 0.5 } },
        }));
    }

    static PublishedStudy Publish(TempDir dir)
    {
        FinishedRun(dir.File("sweep/runs"), "simclr", 5);
        FinishedRun(dir.File("sweep/runs"), "random-init", 5);
        StudyPublisher.Publish(dir.File("sweep"), dir.File("study"));
        return PublishedStudy.TryRead(dir.File("study"))!;
    }

    [Fact]
    public void A_study_is_shown_and_named_without_training()
    {
        using var dir = new TempDir();
        var study = Publish(dir);
        Assert.Equal(2, study.Runs);
        Assert.Equal("standard", study.Profile);
        var log = new StringWriter();
        var experiments = new NotebookExperiments("quick", dir.File("out/quick"), null, log, study);
        Assert.Equal("standard", experiments.Profile);
        Assert.StartsWith($"showing the committed reference study {study.Folder} (2 runs, commit 0123456789ab, profile standard)", experiments.Describe());

        var sweep = experiments.ImbalanceSweep();
        Assert.Equal(["simclr", "random-init"], sweep.Methods);
        Assert.Equal(["resnet18"], sweep.Backbones);
        Assert.Equal(2, sweep.Runs.Count);
        Assert.All(sweep.Runs, r => Assert.StartsWith(study.RunsFolder, r.RunDirectory));
        Assert.Contains("showing the committed reference study", log.ToString());
        Assert.Equal(0.05, experiments.Pretrain("simclr", "resnet18", 5).Metric("natural", Metric.F1));
        Assert.Equal(123, experiments.Config("simclr", "resnet18", 5).TrainSize);
        Assert.Equal(ExperimentConfigBuilder.Build("standard", null, new ExperimentChoices { Method = "byol", Backbone = "resnet18", TrainDefectPct = 5 }).TrainSize,
            experiments.Config("byol", "resnet18", 5).TrainSize);
        var missing = Assert.Throws<UserInputException>(() => experiments.Pretrain("byol", "resnet18", 5));
        Assert.Contains("SSL_ANOMALY_PROFILE", missing.Message);
        Assert.False(Directory.Exists(dir.File("out")), "showing a study wrote a run folder");
        // The grids a study lacks go to the notebooks' own experiments, at the profile the notebooks run fresh.
        Assert.Equal(Path.Combine(dir.File("out/quick"), "selection-grid"), experiments.SelectionGridDirectory);
        Assert.Equal("quick", experiments.Fresh!.Profile);
        // A smoke study (CI's) fills its gaps at smoke, in minutes.
        var smoke = study with { Profile = "smoke" };
        var smokeGaps = new NotebookExperiments("quick", dir.File("out/quick"), null, log, smoke).Fresh!;
        Assert.Equal("smoke", smokeGaps.Profile);
        Assert.Equal(dir.File("out/smoke"), smokeGaps.OutputRoot);
    }

    [Fact]
    public void The_study_is_chosen_only_without_a_profile_and_without_local_runs()
    {
        using var dir = new TempDir();
        var study = Publish(dir);
        var names = new[] { NotebookProfile.EnvironmentVariable, NotebookExperiments.StudyVariable, NotebookExperiments.OutputVariable, NotebookExperiments.DataRootVariable };
        var before = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var n in names) Environment.SetEnvironmentVariable(n, null);
            Environment.SetEnvironmentVariable(NotebookExperiments.StudyVariable, study.Folder);
            Environment.SetEnvironmentVariable(NotebookExperiments.OutputVariable, dir.File("out"));
            Assert.Equal(study.Folder, NotebookExperiments.Current().Study?.Folder);

            Environment.SetEnvironmentVariable(NotebookProfile.EnvironmentVariable, "smoke");
            var fresh = NotebookExperiments.Current();
            Assert.Null(fresh.Study);
            Assert.Equal("smoke", fresh.Profile);
            Assert.StartsWith("profile smoke; runs live in ", fresh.Describe());

            // Runs of the grids a study lacks do not count as local runs; a finished run of the notebooks' own sweep does,
            // and wins over the study.
            Environment.SetEnvironmentVariable(NotebookProfile.EnvironmentVariable, null);
            FinishedRun(Path.Combine(dir.File("out"), "quick", "ablations", "resolution"), "supervised", 5);
            Assert.Equal(study.Folder, NotebookExperiments.Current().Study?.Folder);
            FinishedRun(Path.Combine(dir.File("out"), "quick", "imbalance-sweep", "runs"), "simclr", 45);
            Assert.Null(NotebookExperiments.Current().Study);

            Environment.SetEnvironmentVariable(NotebookExperiments.StudyVariable, dir.File("nothing"));
            Directory.Delete(dir.File("out"), recursive: true);
            Assert.Contains("holds no published study", Assert.Throws<UserInputException>(NotebookExperiments.Current).Message);
        }
        finally
        {
            foreach (var (n, v) in before) Environment.SetEnvironmentVariable(n, v);
        }
    }

    [Fact]
    public void A_study_that_holds_the_notebooks_grids_shows_them_without_training_and_falls_back_when_they_are_stale()
    {
        using var dir = new TempDir();
        FinishedRun(dir.File("sweep/runs"), "simclr", 5);
        var quick = new NotebookExperiments("quick", dir.File("scratch"));
        foreach (var (name, config) in quick.SelectionGridRuns())
            FinishedRunOf(Path.Combine(dir.File("grids"), "quick", StudyPublisher.SelectionGridFolder, name), config, "fedcba9876543210");
        // The notebooks' own sweep folder beside the grids is not a grid: publishing leaves it out.
        FinishedRun(Path.Combine(dir.File("grids"), "quick", "imbalance-sweep", "runs"), "byol", 45);

        var outcome = StudyPublisher.Publish(dir.File("sweep"), dir.File("study"), null, dir.File("grids"));
        Assert.Equal(3, outcome.NotebookGridRuns);
        var committedGrid = Path.Combine(dir.File("study"), StudyPublisher.NotebookGridsFolder, "quick", StudyPublisher.SelectionGridFolder);
        Assert.Equal(3, Directory.GetDirectories(committedGrid).Length);
        Assert.False(Directory.Exists(Path.Combine(dir.File("study"), StudyPublisher.NotebookGridsFolder, "quick", "imbalance-sweep")));
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.File("study/study.json")))!;
        Assert.Equal(3, json["notebook_grids"]!["runs"]!.GetValue<int>());
        Assert.Equal("quick", json["notebook_grids"]!["profiles"]![0]!.GetValue<string>());
        Assert.Equal(1, json["runs"]!.GetValue<int>()); // the grids are not runs of the study's sweep
        // Nor of what report, analyze and the bench read from the study's folder.
        Assert.Equal(["simclr"], RunResult.ReadAll(dir.File("study")).Select(r => r.Method));
        var study = PublishedStudy.TryRead(dir.File("study"))!;

        // Shown against the study, the selection grid is read from the study's copy: nothing trains, nothing is written.
        var log = new StringWriter();
        var experiments = new NotebookExperiments("quick", dir.File("out/quick"), null, log, study);
        var grid = experiments.SelectionGrid();
        Assert.Equal(3, grid.Count);
        Assert.All(grid, r => Assert.StartsWith(committedGrid, r.RunDirectory));
        Assert.Equal(committedGrid, experiments.SelectionGridDirectory);
        Assert.Contains("selection grid (quick): read from the committed study", log.ToString());
        Assert.False(Directory.Exists(dir.File("out")), "reading the committed grid wrote a run folder");

        // A committed run the current code would configure otherwise is not shown: the grid comes from the notebooks' own
        // runs instead (finished here, so reused), and the log says why.
        var stale = Path.Combine(committedGrid, quick.SelectionGridRuns()[1].Name);
        File.WriteAllText(Path.Combine(stale, "config.json"), ExperimentConfigBuilder.Build("quick", null,
            new ExperimentChoices { Method = "simclr", Backbone = "resnet18", TrainDefectPct = 5 }, ["train_size=123"]).ToJson());
        foreach (var (name, config) in quick.SelectionGridRuns())
            FinishedRunOf(Path.Combine(dir.File("out/quick"), StudyPublisher.SelectionGridFolder, name), config);
        log = new StringWriter();
        experiments = new NotebookExperiments("quick", dir.File("out/quick"), null, log, study);
        grid = experiments.SelectionGrid();
        Assert.All(grid, r => Assert.StartsWith(dir.File("out/quick"), r.RunDirectory));
        Assert.Contains($"the committed study's selection grid cannot be shown ({quick.SelectionGridRuns()[1].Name} ran with another configuration than the current code builds): " +
                        "running it at the quick profile", log.ToString());

        // Publishing grids from a folder without any is refused before anything is written.
        Directory.CreateDirectory(dir.File("empty/quick/ablations"));
        var refused = Assert.Throws<UserInputException>(() => StudyPublisher.Publish(dir.File("sweep"), dir.File("study2"), null, dir.File("empty")));
        Assert.Contains("--notebook-grids", refused.Message);
        Assert.False(Directory.Exists(dir.File("study2")));
        Assert.Contains("does not exist", Assert.Throws<UserInputException>(() => StudyPublisher.Publish(dir.File("sweep"), dir.File("study2"), null, dir.File("nowhere"))).Message);
    }
}
