using System.Diagnostics;
using SslAnomaly.Experiments;
using SslAnomaly.Tests.Support;
using SslAnomaly.Training;
using Xunit;
using Xunit.Abstractions;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// SIGTERM is how Slurm pre-empts a job or ends one at its time limit: the run must write a checkpoint at the step it
/// reached, exit with the interrupted status (130), and the same command must resume there and train only the rest.
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
        Assert.Equal(ExperimentRunner.ExitInterrupted, exitCode);
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
}
