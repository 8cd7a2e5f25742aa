using System.Text.Json.Nodes;
using SslAnomaly.Tests.Experiments;

namespace SslAnomaly.Tests.Numerics;

/// <summary>
/// The same command in two processes gives the same bytes: training, feature extraction and the probe. Through libtorch's
/// MKL the probe's probabilities differed by up to 1.8e-3 between processes (MKL picks its code path by memory alignment),
/// enough to flip predictions at the threshold; the probe now sums in one fixed order.
/// </summary>
[Collection(EndToEnd.Name)]
public class ReproducibilityTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    /// <summary>What may differ between two runs of one command: how long things took and when they ended.</summary>
    static readonly string[] Timings = ["images_per_second", "pretrain_seconds", "evaluation_seconds", "finished_at", "check_seconds"];

    [Fact]
    public void The_same_run_in_two_processes_gives_identical_predictions_and_results()
    {
        using var dir = new TempDir();
        var runs = new[] { dir.File("first"), dir.File("second") };
        foreach (var run in runs)
        {
            var result = CliProcess.Run(TinyDataFixture.RunArgs("simclr", run), data.Environment);
            Assert.True(result.ExitCode == 0, result.All);
        }
        foreach (var file in new[] { "predictions-val.csv", "predictions-probe.csv", "truth-val.csv" })
            Assert.True(File.ReadAllBytes(Path.Combine(runs[0], file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(runs[1], file))), $"{file} differs between the two processes");
        var (first, second) = (WithoutTimings(RunEvidence.Result(runs[0])), WithoutTimings(RunEvidence.Result(runs[1])));
        output.WriteLine(first["numerics"]!.ToJsonString());
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.True(first["numerics"]!["ops_checked"]!.GetValue<int>() > 10);
    }

    static JsonObject WithoutTimings(JsonObject result)
    {
        foreach (var key in Timings) result.Remove(key);
        result["numerics"]!.AsObject().Remove("check_seconds");
        return result;
    }
}
