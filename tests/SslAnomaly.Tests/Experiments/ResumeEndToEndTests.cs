using SslAnomaly.Monitoring;
using SslAnomaly.Training;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// kill -9 in the middle of pretraining, then the same command: the second process must start at the checkpoint's step and
/// train only the remaining steps (counted from its own log line, so a runner that ignored the checkpoint and trained from
/// scratch fails even though runs are deterministic), metrics.csv must hold one loss row per step, and the final weights,
/// optimiser state and metrics must equal an uninterrupted run's. Every method, so BYOL's EMA teacher, DINO's centre and
/// teacher-temperature schedule and MAE's mask generator all have to come back from the checkpoint. ViT-Tiny at 16 px
/// (patch 4) keeps each run to seconds.
/// </summary>
[Collection(EndToEnd.Name)]
public class ResumeEndToEndTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    /// <summary>4 steps (one epoch of 4 batches), a checkpoint every 2: the kill lands after step 2, mid-epoch.</summary>
    public static readonly string[] Sets =
    [
        "resolution=16", "patch_size=4", "train_size=32", "batch_size=8", "epochs=1", "checkpoint_every_steps=2",
        "val_size=16", "val_natural_size=24", "val_defect_pcts=[45]", "monitor_samples=8", "probe.bootstrap_samples=0",
        "embedded.train=400", "embedded.val=400", "embedded.test=400", "threads=1", // one thread: no spinning OpenMP workers on a busy shared machine
        "method_params.projector_hidden_dim=32", "method_params.projector_output_dim=16", "method_params.predictor_hidden_dim=32",
        "method_params.dino_hidden_dim=32", "method_params.dino_bottleneck_dim=16", "method_params.dino_prototypes=32",
        "method_params.mae_decoder_dim=32", "method_params.mae_decoder_depth=1", "method_params.mae_decoder_heads=2",
    ];

    public static string[] Args(string method, string outDir) =>
        ["run", "--method", method, "--backbone", "vit-tiny", "--train-defect-pct", "15", "--profile", "smoke", "--out", outDir,
         .. Sets.SelectMany(s => new[] { "--set", s })];

    [Theory]
    [InlineData("simclr")]
    [InlineData("byol")]
    [InlineData("barlow")]
    [InlineData("dino")]
    [InlineData("mae")]
    [InlineData("supervised")]
    public async Task Kill_minus_nine_mid_training_resumes_at_the_checkpoint_and_ends_like_an_uninterrupted_run(string method)
    {
        using var dir = new TempDir();
        string straight = dir.File("straight"), killed = dir.File("killed");
        // The uninterrupted reference runs beside the killed one (one libtorch thread each: the two cores are shared out).
        var reference = Task.Run(() => CliProcess.Run(Args(method, straight), data.Environment));
        long killedAt = RunEvidence.KillAfterFirstCheckpoint(Args(method, killed), killed, data.Environment);
        var straightRun = await reference;
        Assert.True(straightRun.ExitCode == 0, straightRun.All);
        var (total, trainedStraight, _) = RunEvidence.LastTraining(straight);
        Assert.Equal(total, trainedStraight);
        Assert.True(killedAt > 0 && killedAt < total, $"the kill landed at step {killedAt} of {total}, not inside training");

        var resumed = CliProcess.Run(Args(method, killed), data.Environment);
        output.WriteLine($"{method}: killed at step {killedAt} of {total}\n{resumed.All}");
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Contains($"resuming from checkpoint at step {killedAt}", File.ReadAllText(Path.Combine(killed, "run.log")));
        var (_, trained, from) = RunEvidence.LastTraining(killed);
        Assert.Equal((killedAt, total - killedAt), (from, trained));

        // One loss row per step, in order, with the uninterrupted run's values.
        var losses = CsvMetricsSink.Read(Path.Combine(killed, "metrics.csv")).Where(r => r.Name == "train/loss").ToList();
        Assert.Equal(Enumerable.Range(1, (int)total).Select(i => (long)i), losses.Select(r => r.Step));
        Assert.Equal(CsvMetricsSink.Read(Path.Combine(straight, "metrics.csv")).Where(r => r.Name == "train/loss").Select(r => r.Value), losses.Select(r => r.Value));

        RunEvidence.AssertSameFinalState(Path.Combine(straight, "checkpoints", CheckpointStore.FileName(total)), Path.Combine(killed, "checkpoints", CheckpointStore.FileName(total)));
        // A completed run keeps only its final model.
        Assert.Equal([CheckpointStore.FileName(total)], new CheckpointStore(Path.Combine(killed, "checkpoints")).List().Select(Path.GetFileName));
        Assert.Equal(RunEvidence.Result(straight)["metrics"]!.ToJsonString(), RunEvidence.Result(killed)["metrics"]!.ToJsonString());
        Assert.Equal(RunEvidence.Result(straight)["rankme"]!.GetValue<double>(), RunEvidence.Result(killed)["rankme"]!.GetValue<double>());
    }
}
