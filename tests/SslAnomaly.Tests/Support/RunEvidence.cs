using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SslAnomaly.Training;

namespace SslAnomaly.Tests.Support;

/// <summary>What a run folder proves about how its run went: who trained which steps, the result, the final state.</summary>
public static class RunEvidence
{
    static readonly Regex TrainedLine = new(@"training completed after (\d+) steps .*this process trained (\d+) steps, from step (\d+)");

    /// <summary>(total steps, steps trained by the last process, step it started from), from run.log's last training line.</summary>
    public static (long Total, long Trained, long From) LastTraining(string runDir)
    {
        var match = File.ReadLines(Path.Combine(runDir, "run.log")).Select(l => TrainedLine.Match(l)).Last(m => m.Success);
        return (long.Parse(match.Groups[1].Value), long.Parse(match.Groups[2].Value), long.Parse(match.Groups[3].Value));
    }

    public static JsonObject Result(string runDir) => JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "result.json")))!.AsObject();

    /// <summary>Starts the command and kills it (SIGKILL) as soon as a mid-training checkpoint exists; returns that step.</summary>
    public static long KillAfterFirstCheckpoint(string[] args, string runDir, IDictionary<string, string> environment)
    {
        using var child = Process.Start(CliProcess.StartInfo(args, environment))!;
        child.OutputDataReceived += (_, _) => { }; // drain progress lines so a full pipe never stalls the child
        child.BeginOutputReadLine();
        var checkpoints = Path.Combine(runDir, "checkpoints");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!(Directory.Exists(checkpoints) && Directory.GetFiles(checkpoints, "step-*.ckpt").Length > 0))
        {
            if (child.HasExited) Assert.Fail($"the run ended before it could be killed:\n{child.StandardError.ReadToEnd()}");
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint appeared");
            Thread.Sleep(20);
        }
        child.Kill(entireProcessTree: true); // SIGKILL: no handler runs
        child.WaitForExit();
        Assert.False(File.Exists(Path.Combine(runDir, RunDirectory.ResultFile)));
        return CheckpointStore.StepOf(new CheckpointStore(checkpoints).Latest()!);
    }

    /// <summary>Every tensor of two final checkpoints (model, optimiser, random states) is bit-identical.</summary>
    public static void AssertSameFinalState(string expectedPath, string actualPath)
    {
        var (_, expected) = CheckpointFile.Read(expectedPath);
        var (_, actual) = CheckpointFile.Read(actualPath);
        try
        {
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            Assert.Contains(expected.Keys, k => k.StartsWith("model/", StringComparison.Ordinal));
            foreach (var (name, t) in expected) Assert.True(t.SameAs(actual[name]), $"{name} differs from the uninterrupted run's");
        }
        finally
        {
            foreach (var t in expected.Values.Concat(actual.Values)) t.Dispose();
        }
    }
}
