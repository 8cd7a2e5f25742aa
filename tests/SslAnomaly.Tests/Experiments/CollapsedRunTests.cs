using System.Text.Json.Nodes;

namespace SslAnomaly.Tests.Experiments;

/// <summary>A collapsed run is a data point: completed, probed, exit 0, with "collapsed": true in result.json.</summary>
[Collection(EndToEnd.Name)]
public class CollapsedRunTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    static JsonObject Read(string runDir, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, file)))!.AsObject();

    [Fact]
    public void A_dino_run_judged_collapsed_is_still_completed_and_probed()
    {
        using var dir = new TempDir();
        // A threshold no spread can reach forces the verdict after two steps; one epoch (6 steps) keeps the run short.
        var forced = dir.File("forced");
        var run = CliProcess.Run(TinyDataFixture.RunArgs("dino", forced, "--set", "epochs=1", "--set", "collapse.threshold=1e9", "--set", "collapse.patience=2"),
            data.Environment);
        output.WriteLine(run.All);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("collapsed at step 1", run.Stdout);
        var result = Read(forced, "result.json");
        Assert.Equal("completed", result["status"]!.GetValue<string>());
        Assert.Null(result["failure_reason"]);
        Assert.True(result["collapsed"]!.GetValue<bool>());
        Assert.Equal(1, result["collapse_step"]!.GetValue<long>());
        Assert.Equal(6, result["steps"]!.GetValue<long>()); // trained to the end: 96 images / 16 per batch
        Assert.True(result["metrics"]!["natural"]!["f1"]!.GetValue<double>() >= 0);
        Assert.Equal(1e9, Read(forced, "config.json")["collapse"]!["threshold"]!.GetValue<double>());
    }
}
