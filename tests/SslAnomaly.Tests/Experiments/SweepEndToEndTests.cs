using System.Diagnostics;
using SslAnomaly.Experiments;
using SslAnomaly.Tests.Support;
using Xunit;
using Xunit.Abstractions;

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

    [Fact]
    public void A_sweep_killed_twice_still_ends_with_exactly_fifteen_results()
    {
        using var dir = new TempDir();
        var sweep = dir.File("sweep");
        foreach (int killAfter in new[] { 1, 4 })
        {
            using var child = Process.Start(CliProcess.StartInfo(SweepArgs(sweep, "supervised,simclr"), data.Environment))!;
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while (Results(sweep).Length < killAfter)
            {
                Assert.False(child.HasExited, $"the sweep ended before it could be killed:\n{child.StandardOutput.ReadToEnd()}{child.StandardError.ReadToEnd()}");
                Assert.True(DateTime.UtcNow < deadline, "no progress");
                Thread.Sleep(100);
            }
            child.Kill(entireProcessTree: true); // the sweep and the run it was in the middle of
            child.WaitForExit();
            output.WriteLine($"killed with {Results(sweep).Length} results");
        }
        var last = CliProcess.Run(SweepArgs(sweep, "supervised,simclr"), data.Environment);
        output.WriteLine(last.All);
        Assert.True(last.ExitCode == 0, last.All);
        var results = Results(sweep);
        // 2 methods x 5 shares, plus the random-init floor of each share.
        Assert.Equal(15, results.Length);
        Assert.All(results, r => Assert.Equal("completed", RunDirectory.ReadStatus(Path.GetDirectoryName(r)!)));
        Assert.Equal(15, results.Select(Path.GetDirectoryName).Distinct().Count());
        Assert.Empty(Directory.GetFiles(sweep, "*.tmp", SearchOption.AllDirectories));
        Assert.Contains("15 completed, 0 failed", last.Stdout);
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
        Assert.All(results, r => Assert.Equal("completed", RunDirectory.ReadStatus(Path.GetDirectoryName(r)!)));

        // Resubmitting a complete sweep submits nothing.
        var again = CliProcess.Run(SweepArgs(sweep, "random-init", "--slurm"), env);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("nothing to submit", again.Stdout);
    }
}
