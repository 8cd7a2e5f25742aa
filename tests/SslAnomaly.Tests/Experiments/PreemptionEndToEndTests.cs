using System.Diagnostics;
using SslAnomaly.Training;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// SIGTERM is how Slurm pre-empts a job or ends one at its time limit: the run must write a checkpoint at the step it
/// reached, exit with an interrupted status (130, or 143 = 128 + SIGTERM; a failure Slurm records and resubmission retries), and the same command
/// must resume there and train only the rest.
/// </summary>
[Collection(EndToEnd.Name)]
public class PreemptionEndToEndTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void Sigterm_checkpoints_exits_as_interrupted_and_the_same_command_resumes()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        string[] args = [.. ResumeEndToEndTests.Args("byol", run), "--set", "epochs=2"]; // 8 steps: SIGTERM lands mid-training
        var checkpoints = Path.Combine(run, "checkpoints");
        int exitCode;
        using (var child = Process.Start(CliProcess.StartInfo(args, data.Environment))!)
        {
            child.OutputDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!(Directory.Exists(checkpoints) && Directory.GetFiles(checkpoints, "step-*.ckpt").Length > 0))
            {
                if (child.HasExited) Assert.Fail($"the run ended before the signal:\n{child.StandardError.ReadToEnd()}");
                Assert.True(DateTime.UtcNow < deadline, "no checkpoint appeared");
                Thread.Sleep(20);
            }
            var before = new CheckpointStore(checkpoints).List().Select(CheckpointStore.StepOf).Max();
            Signals.Send(child.Id, Signals.SigTerm);
            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(5)), "the run did not stop after SIGTERM");
            exitCode = child.ExitCode;
            output.WriteLine($"SIGTERM after the step-{before} checkpoint; exit {exitCode}");
        }
        // The run's interrupted status (130), or 128 + 15 where System.CommandLine reports the signal itself; either way the
        // log line below proves the run checkpointed and stopped on its own.
        Assert.Contains(exitCode, new[] { ExperimentRunner.ExitInterrupted, 128 + Signals.SigTerm });
        Assert.False(File.Exists(Path.Combine(run, RunDirectory.ResultFile)));
        long stoppedAt = CheckpointStore.StepOf(new CheckpointStore(checkpoints).Latest()!);
        Assert.Contains($"interrupted at step {stoppedAt} (checkpoint {CheckpointStore.FileName(stoppedAt)})", File.ReadAllText(Path.Combine(run, "run.log")));

        var resumed = CliProcess.Run(args, data.Environment);
        output.WriteLine(resumed.All);
        Assert.True(resumed.ExitCode == 0, resumed.All);
        var (total, trained, from) = RunEvidence.LastTraining(run);
        Assert.True(stoppedAt < total, $"stopped at {stoppedAt} of {total}");
        Assert.Equal((stoppedAt, total - stoppedAt), (from, trained));
    }

    static string[] SlurmSweepArgs(string sweepDir, params string[] extra) =>
        ["sweep", "--grid", "quick", "--methods", "supervised", "--backbones", "vit-tiny", "--profile", "smoke", "--out", sweepDir,
         .. ResumeEndToEndTests.Sets.SelectMany(s => new[] { "--set", s }), "--set", "epochs=2", "--set", "train_size=100", "--set", "batch_size=25", .. extra];

    [Fact]
    public void A_slurm_array_task_cancelled_with_scancel_is_all_that_resubmitting_runs()
    {
        using var cluster = new LocalSlurmCluster();
        using var dir = new TempDir();
        var sweep = dir.File("sweep");
        var env = new Dictionary<string, string>(data.Environment) { ["SLURM_CONF"] = cluster.ConfigPath };
        var submit = CliProcess.Run(SlurmSweepArgs(sweep, "--slurm", "--slurm-cpus", "1", "--slurm-time", "00:20:00"), env);
        Assert.True(submit.ExitCode == 0, submit.All);
        var jobId = File.ReadAllText(Path.Combine(sweep, "slurm", "job-id")).Trim();

        // Cancel the first array task found inside training (a checkpoint, no result yet).
        var plan = SweepPlan.Load(sweep);
        var deadline = DateTime.UtcNow.AddMinutes(10);
        SweepEntry? victim = null;
        while (victim is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no task reached training:\n{cluster.Run("squeue")}");
            victim = plan.Entries.FirstOrDefault(e =>
            {
                var runDir = plan.RunDirectoryOf(sweep, e);
                return !File.Exists(Path.Combine(runDir, RunDirectory.ResultFile)) && Directory.Exists(Path.Combine(runDir, "checkpoints")) &&
                       Directory.GetFiles(Path.Combine(runDir, "checkpoints"), "step-*.ckpt").Length > 0;
            });
            Thread.Sleep(100);
        }
        output.WriteLine(cluster.Run("scancel", $"{jobId}_{victim.Index}"));
        cluster.WaitForJob(jobId, TimeSpan.FromMinutes(12));
        var victimDir = plan.RunDirectoryOf(sweep, victim);
        Assert.False(File.Exists(Path.Combine(victimDir, RunDirectory.ResultFile)));
        Assert.All(plan.Entries.Where(e => e != victim), e => Assert.Equal(RunStatus.Completed, RunDirectory.ReadStatus(plan.RunDirectoryOf(sweep, e))));
        long stoppedAt = CheckpointStore.StepOf(new CheckpointStore(Path.Combine(victimDir, "checkpoints")).Latest()!);

        var again = CliProcess.Run(SlurmSweepArgs(sweep, "--slurm", "--slurm-cpus", "1", "--slurm-time", "00:20:00"), env);
        output.WriteLine(again.All);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains($"(1 of {plan.Entries.Count} experiments missing)", again.Stdout); // 5 supervised runs and their 5 random-init floors
        Assert.Contains($"#SBATCH --array={victim.Index}\n", File.ReadAllText(Path.Combine(sweep, "slurm", SlurmJobArray.ScriptName)));
        cluster.WaitForJob(File.ReadAllText(Path.Combine(sweep, "slurm", "job-id")).Trim(), TimeSpan.FromMinutes(12));
        Assert.All(plan.Entries, e => Assert.Equal(RunStatus.Completed, RunDirectory.ReadStatus(plan.RunDirectoryOf(sweep, e))));
        var (total, trained, from) = RunEvidence.LastTraining(victimDir);
        Assert.Equal((stoppedAt, total - stoppedAt), (from, trained));
    }
}
