using System.Diagnostics;
using SslAnomaly.Monitoring;

namespace SslAnomaly.Tests.Experiments;

[Collection(EndToEnd.Name)]
public class SweepEndToEndTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    static readonly string[] SweepSets = [.. TinyDataFixture.TinySets, "epochs=1", "train_size=64"];

    static string[] SweepArgs(string outDir, string methods, params string[] extra) =>
        ["sweep", "--grid", "quick", "--methods", methods, "--backbones", "resnet18", "--profile", "smoke", "--out", outDir,
         .. SweepSets.SelectMany(s => new[] { "--set", s }), .. extra];

    static string[] Results(string sweepDir) =>
        Directory.Exists(SweepPlan.RunsDirectory(sweepDir))
            ? Directory.GetFiles(SweepPlan.RunsDirectory(sweepDir), RunDirectory.ResultFile, SearchOption.AllDirectories)
            : [];

    /// <summary>
    /// The resume tests' tiny ViT runs (4 steps, a checkpoint every 2), so a kill can land inside training; 100 images, so
    /// the 1 % subset still holds a defect for the probe.
    /// </summary>
    static string[] TinySweepArgs(string outDir, params string[] extra) =>
        ["sweep", "--grid", "quick", "--methods", "supervised", "--backbones", "vit-tiny", "--profile", "smoke", "--out", outDir,
         .. ResumeEndToEndTests.Sets.SelectMany(s => new[] { "--set", s }), "--set", "train_size=100", "--set", "batch_size=25", .. extra];

    /// <summary>The run.log of every unfinished run, for a failure message.</summary>
    static string UnfinishedLogs(string sweepDir) => string.Join("\n", Directory.GetDirectories(SweepPlan.RunsDirectory(sweepDir))
        .Where(r => !File.Exists(Path.Combine(r, RunDirectory.ResultFile)) && File.Exists(Path.Combine(r, "run.log")))
        .Select(r => $"--- {r}/run.log\n{File.ReadAllText(Path.Combine(r, "run.log"))}"));

    static Dictionary<string, string> MetricsByRun(string sweepDir) =>
        Results(sweepDir).ToDictionary(r => Path.GetFileName(Path.GetDirectoryName(r))!, r => RunEvidence.Result(Path.GetDirectoryName(r)!)["metrics"]!.ToJsonString());

    /// <summary>
    /// Each of the 10 runs (5 supervised, 5 random-init floors: every sweep carries its floor) completed with one loss row per step; with <paramref name="trainedOnce"/> (no kills), the steps
    /// that finishing processes report training add up to the total: no run was trained twice.
    /// </summary>
    static void AssertEveryRunOnceAndWhole(string sweepDir, bool trainedOnce)
    {
        var results = Results(sweepDir);
        Assert.Equal(10, results.Length);
        foreach (var runDir in results.Select(Path.GetDirectoryName))
        {
            Assert.Equal(RunStatus.Completed, RunDirectory.ReadStatus(runDir!));
            var (total, _, _) = RunEvidence.LastTraining(runDir!);
            var steps = CsvMetricsSink.Read(Path.Combine(runDir!, "metrics.csv")).Where(r => r.Name == "train/loss").Select(r => r.Step);
            Assert.Equal(Enumerable.Range(1, (int)total).Select(i => (long)i), steps);
            if (trainedOnce)
                Assert.Equal(total, File.ReadLines(Path.Combine(runDir!, "run.log"))
                    .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"this process trained (\d+) steps"))
                    .Where(m => m.Success).Sum(m => long.Parse(m.Groups[1].Value)));
        }
        Assert.Empty(Directory.GetFiles(sweepDir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Sweeps_killed_inside_training_or_run_twice_at_once_end_like_an_uninterrupted_sweep()
    {
        using var dir = new TempDir();
        var reference = dir.File("reference");
        var straight = CliProcess.Run(TinySweepArgs(reference), data.Environment);
        Assert.True(straight.ExitCode == 0, straight.All + UnfinishedLogs(reference));
        AssertEveryRunOnceAndWhole(reference, trainedOnce: true);
        var expected = MetricsByRun(reference);

        // kill -9 of the sweep and its running experiment, each time a run is inside training (a checkpoint, no result yet),
        // after a random extra delay so the kills land at different steps.
        var killed = dir.File("killed");
        var random = new Random(Environment.TickCount);
        int kills = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            using var child = Process.Start(CliProcess.StartInfo(TinySweepArgs(killed), data.Environment))!;
            child.OutputDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(5);
            bool InsideTraining() => Directory.Exists(SweepPlan.RunsDirectory(killed)) && Directory.GetDirectories(SweepPlan.RunsDirectory(killed))
                .Any(r => !File.Exists(Path.Combine(r, RunDirectory.ResultFile)) && Directory.Exists(Path.Combine(r, "checkpoints")) &&
                          Directory.GetFiles(Path.Combine(r, "checkpoints"), "step-*.ckpt").Length > 0);
            while (!InsideTraining() && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            if (child.HasExited) break; // everything finished before this kill: the last sweep below has nothing left
            Thread.Sleep(random.Next(0, 1500));
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            kills++;
            output.WriteLine($"kill {kills}: {Results(killed).Length} results");
        }
        Assert.True(kills >= 2, $"only {kills} kill(s) landed inside training");
        var last = CliProcess.Run(TinySweepArgs(killed), data.Environment);
        output.WriteLine(last.All);
        Assert.True(last.ExitCode == 0, last.All + UnfinishedLogs(killed));
        Assert.Contains("10 completed, 0 failed", last.Stdout);
        AssertEveryRunOnceAndWhole(killed, trainedOnce: false);
        Assert.Equal(expected, MetricsByRun(killed));
        Assert.Contains(Results(killed), r => File.ReadAllText(Path.Combine(Path.GetDirectoryName(r)!, "run.log")).Contains("resuming from checkpoint"));

        // Two sweep processes on one folder at once: every grid point ends with exactly one result, trained once.
        var shared = dir.File("shared");
        using (var a = Process.Start(CliProcess.StartInfo(TinySweepArgs(shared), data.Environment))!)
        using (var b = Process.Start(CliProcess.StartInfo(TinySweepArgs(shared), data.Environment))!)
        {
            var outputs = new[] { a, b }.Select(p => (p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync())).ToList();
            Assert.True(a.WaitForExit(TimeSpan.FromMinutes(10)) && b.WaitForExit(TimeSpan.FromMinutes(10)), "the concurrent sweeps did not finish");
            foreach (var (o, e) in outputs) output.WriteLine(await o + await e);
            Assert.Equal((0, 0), (a.ExitCode, b.ExitCode));
        }
        AssertEveryRunOnceAndWhole(shared, trainedOnce: true);
        Assert.Equal(expected, MetricsByRun(shared));
    }

    [Fact]
    public void Slurm_dry_run_writes_the_job_array_without_submitting()
    {
        using var dir = new TempDir();
        var sweep = dir.File("sweep");
        var r = CliProcess.Run(SweepArgs(sweep, "byol", "--slurm", "--dry-run"), data.Environment);
        Assert.True(r.ExitCode == 0, r.All);
        var script = File.ReadAllText(Path.Combine(sweep, "slurm", SlurmJobArray.ScriptName));
        Assert.Contains("#SBATCH --array=0-9", script); // byol and its random-init floor x 5 shares
        Assert.False(File.Exists(Path.Combine(sweep, "slurm", "job-id")));
    }

    [Fact]
    public void A_real_local_slurm_runs_the_job_array_to_completion()
    {
        using var cluster = new LocalSlurmCluster();
        using var dir = new TempDir();
        var sweep = dir.File("sweep");
        var env = new Dictionary<string, string>(data.Environment) { ["SLURM_CONF"] = cluster.ConfigPath };
        // The floor alone (it trains nothing): five array tasks that exercise the whole job-array path cheaply.
        var submit = CliProcess.Run(SweepArgs(sweep, "random-init", "--slurm", "--slurm-cpus", "1", "--slurm-time", "00:20:00"), env);
        output.WriteLine(submit.All);
        Assert.True(submit.ExitCode == 0, submit.All);
        var jobId = File.ReadAllText(Path.Combine(sweep, "slurm", "job-id")).Trim();
        cluster.WaitForJob(jobId, TimeSpan.FromMinutes(12));
        var logs = Directory.GetFiles(Path.Combine(sweep, "slurm", "logs"));
        output.WriteLine(string.Join("\n", logs.Select(File.ReadAllText)));
        Assert.Equal(5, logs.Length); // one log per array task
        var results = Results(sweep);
        Assert.Equal(5, results.Length);
        Assert.All(results, r => Assert.Equal(RunStatus.Completed, RunDirectory.ReadStatus(Path.GetDirectoryName(r)!)));

        // Resubmitting a complete sweep submits nothing.
        var again = CliProcess.Run(SweepArgs(sweep, "random-init", "--slurm"), env);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("nothing to submit", again.Stdout);
    }
}
