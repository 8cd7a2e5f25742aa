using System.Text.Json.Nodes;
using SslAnomaly.Util;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// `ssl-anomaly publish` on real tiny runs: only the small files travel, unfinished runs are refused by name, publishing
/// again changes only what changed, and the report, `analyze` and `rerun` read the published copy as they read the original.
/// </summary>
[Collection(EndToEnd.Name)]
public class PublishEndToEndTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    ChildProcessResult Cli(params string[] args)
    {
        var r = CliProcess.Run(args, data.Environment);
        output.WriteLine($"$ ssl-anomaly {string.Join(' ', args)}\n{r.All}");
        return r;
    }

    [Fact]
    public void A_published_study_holds_the_small_files_and_reads_like_the_original()
    {
        using var dir = new TempDir();
        var runs = dir.File("sweep/runs");
        foreach (var method in new[] { "simclr", "random-init" })
        {
            var run = Cli(TinyDataFixture.RunArgs(method, Path.Combine(runs, method)));
            Assert.True(run.ExitCode == 0, run.All);
        }
        // A run that has started but not finished: its config is there, its result.json is not.
        Directory.CreateDirectory(Path.Combine(runs, "byol-unfinished", "checkpoints"));
        File.Copy(Path.Combine(runs, "simclr", "config.json"), Path.Combine(runs, "byol-unfinished", "config.json"));
        Assert.True(Directory.Exists(Path.Combine(runs, "simclr", "checkpoints")));

        var study = dir.File("study");
        var first = Cli("publish", "--runs", dir.File("sweep"), "--out", study);
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("published 2 finished run(s)", first.Stdout);
        Assert.Contains("2 new, 0 updated, 0 unchanged", first.Stdout);
        Assert.Contains("skipped 1 unfinished run(s)", first.Stdout);
        Assert.Contains("byol-unfinished", first.Stdout);
        Assert.Matches(@"folder size \d+\.\d\d MB in \d+ files", first.Stdout);

        // The published run: what readers need, nothing heavy.
        var published = Path.Combine(study, "runs", "simclr");
        foreach (var file in new[] { "config.json", "result.json", "metrics.csv", "predictions-val.csv", "predictions-test.csv", "truth-val.csv", "truth-test.csv", "predictions-probe.csv", "manifests/val-5.json", "manifests/test-natural.json" })
            Assert.True(File.Exists(Path.Combine(published, file)), $"{file} was not published");
        var heavy = Directory.GetFileSystemEntries(Path.Combine(runs, "simclr")).Select(Path.GetFileName).Where(n => n is "checkpoints" or "tensorboard" or "decoded" || n!.StartsWith("features")).ToList();
        Assert.NotEmpty(heavy);
        foreach (var name in heavy) Assert.False(Path.Exists(Path.Combine(published, name!)), $"{name} was published");
        Assert.False(Directory.Exists(Path.Combine(study, "runs", "byol-unfinished")));

        var studyJson = JsonNode.Parse(File.ReadAllText(Path.Combine(study, "study.json")))!;
        Assert.Equal(2, studyJson["runs"]!.GetValue<int>());
        Assert.Equal(SslAnomaly.Native.EnvironmentReport.CodeCommit, studyJson["code_commit"]!.GetValue<string>());
        Assert.Equal("smoke", studyJson["profile"]!.GetValue<string>());
        var source = RunResult.TryRead(Path.Combine(runs, "simclr"))!;
        Assert.Equal(source.Numerics!.CpuFamily, studyJson["machines"]![0]!["cpu_family"]!.GetValue<int>());
        Assert.Equal(source.Numerics.Cpu, studyJson["machines"]![0]!["cpu"]!.GetValue<string>());
        Assert.NotNull(studyJson["numerics"]!["verdict"]);
        long bytes = Directory.GetFiles(study, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "study.json").Sum(f => new FileInfo(f).Length);
        Assert.Equal(bytes, studyJson["total_bytes"]!.GetValue<long>());
        var time = studyJson["time"]!;
        Assert.Equal(2, time["all_runs"]!["runs"]!.GetValue<int>());
        Assert.Equal(2, time["processes"]!.GetValue<int>());
        Assert.Equal(0, time["unended_processes"]!.GetValue<int>());
        Assert.True(time["all_runs"]!["training_seconds"]!.GetValue<double>() > 0);
        Assert.InRange(time["busy_wall_seconds"]!.GetValue<double>(), 0.1, time["all_runs"]!["wall_seconds"]!.GetValue<double>() + 0.1);
        Assert.Equal(["random-init", "simclr"], time["by_method"]!.AsObject().Select(p => p.Key));
        Assert.Matches(@"time: \d+\.\d\d h of wall time with a run working", first.Stdout);
        Assert.Equal(["byol-unfinished"], studyJson["unfinished_at_publication"]!.AsArray().Select(n => Path.GetFileName(n!.GetValue<string>())));

        // Publishing again copies nothing and leaves study.json as it was; a changed run is updated, a stale file removed.
        var studyText = File.ReadAllText(Path.Combine(study, "study.json"));
        var again = Cli("publish", "--runs", dir.File("sweep"), "--out", study);
        Assert.Contains("0 new, 0 updated, 2 unchanged", again.Stdout);
        Assert.Equal(studyText, File.ReadAllText(Path.Combine(study, "study.json")));
        File.WriteAllText(Path.Combine(published, "stale.csv"), "left from an older publication\n");
        File.AppendAllText(Path.Combine(runs, "random-init", "run.log"), "a line added after the first publication\n");
        var third = Cli("publish", "--runs", runs, "--out", study);
        Assert.Contains("0 new, 2 updated, 0 unchanged", third.Stdout);
        Assert.False(File.Exists(Path.Combine(published, "stale.csv")));
        Assert.EndsWith("a line added after the first publication\n", File.ReadAllText(Path.Combine(study, "runs", "random-init", "run.log")));

        // The report from the published copy has the same tables as the report from the original folder.
        var fromOriginal = Cli("report", "--runs", runs, "--out", dir.File("report-original"), "--no-png");
        var fromStudy = Cli("report", "--runs", study, "--out", dir.File("report-study"), "--no-png");
        Assert.True(fromOriginal.ExitCode == 0 && fromStudy.ExitCode == 0, fromOriginal.All + fromStudy.All);
        foreach (var table in new[] { "table1.csv", "table1.md", "table1-validation.csv", "one-class.csv", "headline.md" })
        {
            var original = File.ReadAllText(Path.Combine(dir.File("report-original"), table));
            Assert.Equal(original, File.ReadAllText(Path.Combine(dir.File("report-study"), table)));
            Assert.Contains("random-init", original);
        }
        Assert.Contains("self-supervised methods beat the random-init floor", File.ReadAllText(Path.Combine(dir.File("report-study"), "headline.md")));
        Assert.Contains("\nf1,simclr,resnet18,15,", File.ReadAllText(Path.Combine(dir.File("report-study"), "table1.csv")));

        // analyze reads the published metrics.csv, predictions and manifests.
        var analysis = Cli("analyze", "--runs", study, "--out", dir.File("analysis"), "--bootstrap", "50");
        Assert.True(analysis.ExitCode == 0, analysis.All);
        Assert.True(File.Exists(Path.Combine(dir.File("analysis"), "prior-shift.csv")));

        // A published run reruns from its own config (the embedded data renders again from the config's seed).
        var rerun = Cli("rerun", Path.Combine(study, "runs", "random-init"), "--out", dir.File("rerun"));
        Assert.True(rerun.ExitCode == 0, rerun.All);
        Assert.Contains("replicated (same code and same kind of CPU", rerun.Stdout);

        // A sweep gives each run one thread through OMP_NUM_THREADS, which the config does not hold: the rerun takes the
        // thread count the run recorded, whatever this process would have had, and trains the same model.
        var sweepRun = CliProcess.Run(TinyDataFixture.RunArgs("simclr", dir.File("one-thread")), new Dictionary<string, string>(data.Environment) { ["OMP_NUM_THREADS"] = "1" });
        Assert.True(sweepRun.ExitCode == 0, sweepRun.All);
        var retrained = Cli("rerun", dir.File("one-thread"), "--out", dir.File("one-thread-rerun"));
        Assert.True(retrained.ExitCode == 0, retrained.All);
        Assert.Contains("with 1 libtorch thread(s), as it ran", retrained.Stdout);
        Assert.Contains("replicated (same code and same kind of CPU", retrained.Stdout);
    }

    [Fact]
    public void Nothing_finished_is_one_clear_error()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("runs/simclr-resnet18-t5-s0"));
        File.WriteAllText(dir.File("runs/simclr-resnet18-t5-s0/config.json"), "{}");
        var r = Cli("publish", "--runs", dir.File("runs"), "--out", dir.File("study"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("holds no finished run", r.Stderr);
        Assert.Contains("1 unfinished: simclr-resnet18-t5-s0", r.Stderr);
        var overlap = Cli("publish", "--runs", dir.Path, "--out", dir.File("runs/study"));
        Assert.Equal(2, overlap.ExitCode);
        Assert.Contains("overlap", overlap.Stderr);
    }
}
