using System.Text.Json.Nodes;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// A disk that fills up while a checkpoint, the feature cache or result.json is written (a real full tmpfs): one clear
/// error naming the file, the earlier file intact, no temp file left, and the same write succeeds once space is freed.
/// End to end, a run whose first checkpoint does not fit stops with that one error and exit 2, and the same command
/// completes once the disk is larger.
/// </summary>
[Collection(EndToEnd.Name)]
public class FullDiskTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    const long Small = 2 << 20;

    static void AssertOnlyFiles(string folder, params string[] names) =>
        Assert.Equal(names.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n != "filler").Order());

    [SkippableFact]
    public void A_checkpoint_that_does_not_fit_fails_clearly_and_the_previous_one_survives()
    {
        using var disk = new TmpfsMount(Small);
        using var scope = NewDisposeScope();
        var store = new CheckpointStore(disk.File("checkpoints"));
        store.Save(1, [("w", full(1000, 1f))], new JsonObject { ["steps_done"] = 1 });
        var first = File.ReadAllBytes(store.Latest()!);
        var filler = disk.Fill(leave: 64 << 10);

        var e = Assert.Throws<UserInputException>(() => store.Save(2, [("w", full(100_000, 2f))], new JsonObject { ["steps_done"] = 2 }));
        output.WriteLine(e.Message);
        Assert.StartsWith($"cannot write {Path.Combine(disk.File("checkpoints"), CheckpointStore.FileName(2))}", e.Message);
        Assert.Contains("No space left on device", e.Message);
        AssertOnlyFiles(disk.File("checkpoints"), CheckpointStore.FileName(1));
        Assert.Equal(first, File.ReadAllBytes(store.Latest()!));

        File.Delete(filler);
        store.Save(2, [("w", full(100_000, 2f))], new JsonObject { ["steps_done"] = 2 });
        Assert.Equal(disk.File(Path.Combine("checkpoints", CheckpointStore.FileName(2))), store.Latest());
    }

    [SkippableFact]
    public void The_feature_cache_and_result_json_fail_clearly_on_a_full_disk_and_keep_what_was_there()
    {
        using var disk = new TmpfsMount(Small);
        var key = new FeatureCacheKey(new string('a', 64), "model");
        FeatureSet Features(int rows) => new(new float[rows * 16], 16, Enumerable.Range(0, rows).Select(i => $"{i:D8}.png").ToList(), new GroundTruth(new bool[rows]));
        var cachePath = FeatureCache.PathFor(disk.Path, key);
        FeatureCache.Write(cachePath, key, Features(10));
        var cached = File.ReadAllBytes(cachePath);
        using (var run = RunDirectory.Open(disk.File("run")))
        {
            run.WriteResult(new JsonObject { ["status"] = "failed", ["failure_reason"] = "first attempt" }, RunResult.Json);
            var result = File.ReadAllText(run.ResultPath);
            var filler = disk.Fill(leave: 16 << 10);

            var e = Assert.Throws<UserInputException>(() => FeatureCache.Write(cachePath, key, Features(20_000)));
            Assert.StartsWith($"cannot write {cachePath}", e.Message);
            Assert.Contains("No space left on device", e.Message);
            Assert.Equal(cached, File.ReadAllBytes(cachePath));
            var big = new JsonObject { ["status"] = "completed", ["padding"] = new string('x', 100_000) };
            e = Assert.Throws<UserInputException>(() => run.WriteResult(big, RunResult.Json));
            Assert.StartsWith($"cannot write {run.ResultPath}", e.Message);
            Assert.Equal(result, File.ReadAllText(run.ResultPath));
            AssertOnlyFiles(disk.Path, Path.GetFileName(cachePath));
            AssertOnlyFiles(run.Path, RunDirectory.ResultFile, RunDirectory.LockFile);

            File.Delete(filler);
            FeatureCache.Write(cachePath, key, Features(20_000));
            Assert.Equal(20_000, FeatureCache.TryRead(cachePath, key)!.Rows);
            run.WriteResult(big, RunResult.Json);
            Assert.Equal(RunStatus.Completed, RunDirectory.ReadStatus(run.Path));
        }
    }

    [SkippableFact]
    public void A_run_whose_checkpoint_does_not_fit_stops_with_one_error_and_completes_once_space_is_freed()
    {
        using var disk = new TmpfsMount(24 << 20); // the run folder fits, a ViT-Tiny checkpoint (~44 MB) does not
        var run = disk.File("run");
        var args = ResumeEndToEndTests.Args("supervised", run);
        var full = CliProcess.Run(args, data.Environment);
        output.WriteLine(full.All);
        Assert.Equal(2, full.ExitCode);
        var line = Assert.Single(full.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"error: cannot write {Path.Combine(run, "checkpoints", CheckpointStore.FileName(2))}", line);
        Assert.Contains("No space left on device", line);
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.ConfigFile)));
        Assert.False(File.Exists(Path.Combine(run, RunDirectory.ResultFile)));
        Assert.Empty(Directory.GetFiles(run, ".*.tmp", SearchOption.AllDirectories));

        disk.Resize(400 << 20);
        var again = CliProcess.Run(args, data.Environment);
        output.WriteLine(again.All);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Equal(RunStatus.Completed, RunDirectory.ReadStatus(run));
        var steps = SslAnomaly.Monitoring.CsvMetricsSink.Read(Path.Combine(run, "metrics.csv")).Where(r => r.Name == "train/loss").Select(r => r.Step);
        Assert.Equal([1L, 2, 3, 4], steps); // the rows logged before the failed checkpoint were dropped with the restart
    }
}
