using System.Diagnostics;
using SslAnomaly.Methods;

namespace SslAnomaly.Tests.Experiments;

public class SweepAndRunDirectoryTests
{
    [Fact]
    public void Paper_grid_has_55_experiments_without_mae_on_resnet_plus_the_random_init_floor()
    {
        var plan = SweepPlan.Create("paper", null, null, null, 0, null, null, null);
        Assert.Equal(Profiles.Paper, plan.Profile);
        // (5 SSL + supervised) x 2 backbones x 5 shares - MAE x ResNet-18, plus random-init x 2 backbones x 5 shares.
        Assert.Equal(65, plan.Entries.Count);
        Assert.Equal(10, plan.Entries.Count(e => e.Method == "random-init"));
        Assert.DoesNotContain(plan.Entries, e => e.Method == "mae" && e.Backbone == "resnet18");
        Assert.Equal(Enumerable.Range(0, 65), plan.Entries.Select(e => e.Index));
        Assert.Equal(65, plan.Entries.Select(e => e.RunName).Distinct().Count());
    }

    [Fact]
    public void Quick_grid_runs_three_shares_and_its_supervised_ceiling_trains_longer_on_resnet_only()
    {
        var plan = SweepPlan.Create("quick", null, null, null, 0, null, null, null);
        Assert.Equal([1.0, 5, 45], plan.TrainDefectPcts);
        Assert.Equal(39, plan.Entries.Count); // 13 method x backbone pairs (11 trained + 2 floors) x 3 shares
        var supervised = plan.Entries.Where(e => e.Method == "supervised").ToDictionary(e => (e.Backbone, e.TrainDefectPct), plan.Config);
        static bool Balanced(ExperimentConfig c) => ((SupervisedConfig)c.Method).ClassBalancedBatches;
        Assert.Equal((24, true), (supervised[("resnet18", 5)].Epochs, Balanced(supervised[("resnet18", 5)])));
        Assert.Equal((2, true), (supervised[("vit-tiny", 5)].Epochs, Balanced(supervised[("vit-tiny", 5)])));
        Assert.Equal(2, plan.Config(plan.Entries.First(e => e.Method == "simclr")).Epochs);
        // The paper profile keeps the official recipe: a class-weighted BCE on the subset's own share.
        Assert.False(Balanced(ExperimentConfigBuilder.Build("paper", null, new ExperimentChoices { Method = "supervised" })));
        Assert.True(Balanced(ExperimentConfigBuilder.Build("quick", null, null, ["method=supervised", "backbone=vit-tiny"])));
    }

    [Fact]
    public void A_sweep_starts_its_longest_runs_first()
    {
        var plan = SweepPlan.Create("quick", null, ["simclr", "supervised"], ["resnet18"], 0, null, null, null);
        var order = SweepRunner.LongestFirst(plan, plan.Entries).Select(e => e.Method).ToList();
        // Supervised ResNet-18 trains 24 epochs, SimCLR 2, the floor none; plan order (the shares) among equals.
        Assert.Equal(["supervised", "supervised", "supervised", "simclr", "simclr", "simclr", "random-init", "random-init", "random-init"], order);
        Assert.Equal([1.0, 5, 45], SweepRunner.LongestFirst(plan, plan.Entries).Take(3).Select(e => e.TrainDefectPct));
    }

    [Fact]
    public void Standard_runs_its_headline_cells_with_three_seeds_and_the_rest_once()
    {
        var plan = SweepPlan.Create("quick", "standard", null, null, 0, null, null, null);
        Assert.Equal(3, plan.HeadlineSeeds);
        foreach (var cell in plan.Entries.GroupBy(e => (e.Method, e.Backbone, e.TrainDefectPct)))
        {
            bool headline = cell.Key.Backbone == "resnet18" && cell.Key.TrainDefectPct is 5 or 45;
            Assert.Equal(headline ? [0, 1, 2] : [0], cell.Select(e => e.Seed).Order().ToArray());
        }
        // Every method of the headline cells, the floor and the supervised ceiling among them.
        var headlineMethods = plan.Entries.Where(e => e.Backbone == "resnet18" && e.TrainDefectPct == 45 && e.Seed == 2).Select(e => e.Method).ToHashSet();
        Assert.Superset(new HashSet<string> { "random-init", "supervised", "simclr", "byol", "barlow", "dino" }, headlineMethods);
        // --headline-seeds 1 runs them once; --seeds raises every cell; quick has no headline cells.
        Assert.All(SweepPlan.Create("quick", "standard", null, null, 0, null, null, null, headlineSeeds: 1).Entries, e => Assert.Equal(0, e.Seed));
        Assert.Equal(4, SweepPlan.Create("quick", "standard", ["simclr"], ["resnet18"], 0, null, null, null, seeds: 4).Entries.Count(e => e.TrainDefectPct == 45 && e.Method == "simclr"));
        Assert.Equal(1, SweepPlan.Create("quick", "quick", null, null, 0, null, null, null).HeadlineSeeds);
        Assert.Throws<UserInputException>(() => SweepPlan.Create("quick", "standard", null, null, 0, null, null, null, headlineSeeds: 0));
    }

    [Fact]
    public void Seeds_multiply_every_experiment_and_a_fixed_probe_share_reaches_every_run()
    {
        var plan = SweepPlan.Create("quick", "smoke", ["simclr"], ["resnet18"], 3, null, null, ["epochs=1"], seeds: 2, probeDefectPct: 45);
        // simclr and its floor x 5 train shares x seeds 3 and 4.
        Assert.Equal(20, plan.Entries.Count);
        Assert.Equal(new[] { 3, 4 }, plan.Entries.Select(e => e.Seed).Distinct().Order());
        Assert.Contains(plan.Entries, e => e.RunName == "simclr-resnet18-t1-s4-p45");
        // The entry's probe share is applied after the shared --set, so it cannot be undone by it.
        var overridden = SweepPlan.Create("quick", "smoke", ["simclr"], ["resnet18"], 3, null, null, ["probe_defect_pct=10"], probeDefectPct: 45);
        Assert.Equal(45, overridden.Config(overridden.Entries[0]).ProbeDefectPct);
        Assert.Equal(2, SweepPlan.Create("quick", null, ["simclr"], ["resnet18"], 0, null, null, null).Methods.Count);
        Assert.Contains("--seeds 0", Assert.Throws<UserInputException>(() => SweepPlan.Create("quick", null, null, null, 0, null, null, null, seeds: 0)).Message);
        Assert.Contains("--probe-defect-pct 100", Assert.Throws<UserInputException>(() => SweepPlan.Create("quick", null, null, null, 0, null, null, null, probeDefectPct: 100)).Message);
    }

    [Fact]
    public void The_ablation_grids_build_the_configs_the_notebooks_built_with_set_pairs()
    {
        // Table 2 at smoke: supervised ResNet-18 at 16 and 32 px, every augmentation but the resize off, frames rendered at 32 px.
        var resolution = SweepPlan.Create(Grids.Resolution, "smoke", null, null, 0, null, null, ["epochs=1"]);
        Assert.Equal(["supervised-resnet18-r16", "supervised-resnet18-r32"], resolution.Entries.Select(e => e.RunName));
        var expected = ExperimentConfigBuilder.Build("smoke", null,
            new ExperimentChoices { Method = "supervised", Backbone = "resnet18", TrainDefectPct = 45, Seed = 0 },
            ["epochs=1", "augmentation.min_scale=1", "augmentation.jitter_probability=0", "augmentation.grayscale_probability=0",
             "augmentation.flip_probability=0", "resolution=16", "embedded.resolution=32"]);
        Assert.Equal(expected.ToJson(), resolution.Config(resolution.Entries[0]).ToJson());
        // Figure 3 at smoke: 2 x 2 cells of min_scale x t_val.
        var augmentation = SweepPlan.Create(Grids.Augmentation, "smoke", null, null, 0, null, null, null);
        Assert.Equal(4, augmentation.Entries.Count);
        var cell = augmentation.Entries.Single(e => e.RunName == "supervised-resnet18-ms0.08-t0.8");
        Assert.Equal(ExperimentConfigBuilder.Build("smoke", null,
                new ExperimentChoices { Method = "supervised", Backbone = "resnet18", TrainDefectPct = 45, Seed = 0 },
                ["augmentation.min_scale=0.08", "augmentation.t_val=0.8"]).ToJson(),
            augmentation.Config(cell).ToJson());
        Assert.Contains("supervised baseline only", Assert.Throws<UserInputException>(() => SweepPlan.Create(Grids.Augmentation, null, ["simclr"], null, 0, null, null, null)).Message);
    }

    [Fact]
    public void A_sweep_folder_refuses_a_different_sweep()
    {
        using var dir = new TempDir();
        SweepPlan.Create("quick", null, ["simclr", "byol"], ["resnet18"], 0, null, null, null).SaveOrVerify(dir.Path);
        SweepPlan.Create("quick", null, ["simclr", "byol"], ["resnet18"], 0, null, null, null).SaveOrVerify(dir.Path);
        var e = Assert.Throws<UserInputException>(() => SweepPlan.Create("quick", null, ["dino"], ["resnet18"], 0, null, null, null).SaveOrVerify(dir.Path));
        Assert.Contains("different sweep", e.Message);
    }

    [Fact]
    public void Unknown_methods_in_a_sweep_are_listed()
    {
        var e = Assert.Throws<UserInputException>(() => SweepPlan.Create("quick", null, ["simclr", "moco"], null, 0, null, null, null));
        Assert.Contains("'moco'", e.Message);
    }

    [Fact]
    public void Slurm_script_has_one_array_task_per_missing_experiment()
    {
        using var dir = new TempDir();
        var plan = SweepPlan.Create("quick", "smoke", ["simclr", "byol"], ["resnet18"], 0, null, null, null).SaveOrVerify(dir.Path);
        // Mark experiment 3 as complete: it must not be in the array.
        var done = plan.RunDirectoryOf(dir.Path, plan.Entries[3]);
        Directory.CreateDirectory(done);
        File.WriteAllText(Path.Combine(done, "result.json"), """{"status": "completed"}""");
        var (script, indices) = SlurmJobArray.Write(dir.Path, plan, new SlurmOptions(MaxConcurrent: 2));
        Assert.Equal(new[] { 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 }, indices); // 10-14: the random-init floor
        var text = File.ReadAllText(script);
        Assert.Contains("#SBATCH --array=0-2,4-14%2", text);
        Assert.Contains("sweep task --out", text);
        Assert.Contains("\"$SLURM_ARRAY_TASK_ID\"", text);
    }

    [Theory]
    [InlineData(new[] { 0 }, "0")]
    [InlineData(new[] { 0, 1, 2 }, "0-2")]
    [InlineData(new[] { 1, 3, 4, 5, 9 }, "1,3-5,9")]
    public void Array_ranges_are_compact(int[] indices, string expected) => Assert.Equal(expected, SlurmJobArray.CompactRanges(indices));

    [Fact]
    public void A_run_directory_is_locked_while_open_and_released_on_dispose()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        using (var first = RunDirectory.Open(run))
        {
            Assert.Null(RunDirectory.TryOpen(run));
            var e = Assert.Throws<UserInputException>(() => RunDirectory.Open(run));
            Assert.Contains("in use by another process", e.Message);
        }
        using var again = RunDirectory.Open(run);
        Assert.NotNull(again);
    }

    [Fact]
    public void A_lock_held_by_another_process_is_seen_and_freed_when_it_dies()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        Directory.CreateDirectory(run);
        // flock from util-linux holds the same advisory lock .NET takes for FileShare.None.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-x", Path.Combine(run, RunDirectory.LockFile), "sleep", "30"]) { UseShellExecute = false })!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (RunDirectory.TryOpen(run) is { } probe && DateTime.UtcNow < deadline) { probe.Dispose(); Thread.Sleep(50); }
        Assert.Null(RunDirectory.TryOpen(run));
        holder.Kill(entireProcessTree: true);
        holder.WaitForExit();
        // The child `sleep` holding the descriptor dies asynchronously: the lock frees within moments.
        RunDirectory? mine = null;
        deadline = DateTime.UtcNow.AddSeconds(20);
        while ((mine = RunDirectory.TryOpen(run)) is null && DateTime.UtcNow < deadline) Thread.Sleep(50);
        using var _ = mine;
        Assert.NotNull(mine);
    }

    [Fact]
    public void A_run_directory_refuses_a_different_config_unless_forced()
    {
        using var dir = new TempDir();
        using var run = RunDirectory.Open(Path.Combine(dir.Path, "run"));
        run.WriteConfig(ExperimentConfigBuilder.Build("smoke"), force: false);
        run.WriteConfig(ExperimentConfigBuilder.Build("smoke"), force: false);
        var other = ExperimentConfigBuilder.Build("smoke", null, null, ["seed=5"]);
        Assert.Throws<UserInputException>(() => run.WriteConfig(other, force: false));
        run.WriteConfig(other, force: true);
    }

    [Fact]
    public void Unwritable_output_directory_is_named()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("file"), "");
        var e = Assert.Throws<UserInputException>(() => RunDirectory.Open(Path.Combine(dir.File("file"), "run")));
        Assert.Contains("is not writable", e.Message);
    }

    [Fact]
    public void Parallel_children_share_the_cores_unless_the_user_set_omp_threads()
    {
        Assert.Null(SweepRunner.ThreadsPerChild(1, cores: 8, userSetting: ""));
        Assert.Equal(4, SweepRunner.ThreadsPerChild(2, cores: 8, userSetting: ""));
        Assert.Equal(2, SweepRunner.ThreadsPerChild(3, cores: 8, userSetting: ""));
        Assert.Equal(1, SweepRunner.ThreadsPerChild(4, cores: 2, userSetting: ""));
        Assert.Null(SweepRunner.ThreadsPerChild(4, cores: 8, userSetting: "3"));
    }

    [Fact]
    public void Without_parallel_a_cpu_runs_one_experiment_per_core_within_memory_and_a_gpu_one()
    {
        const long GiB = 1L << 30;
        Assert.Equal(2, SweepRunner.AutoParallel(gpu: false, cores: 2, memoryBytes: 24 * GiB));
        Assert.Equal(8, SweepRunner.AutoParallel(gpu: false, cores: 64, memoryBytes: 24 * GiB));
        Assert.Equal(1, SweepRunner.AutoParallel(gpu: false, cores: 16, memoryBytes: 2 * GiB));
        Assert.Equal(1, SweepRunner.AutoParallel(gpu: true, cores: 16, memoryBytes: 128 * GiB));
    }

    [Theory]
    [InlineData(134, true)]  // SIGABRT: libtorch's c10 error escaping as an abort
    [InlineData(139, true)]  // SIGSEGV: the general protection fault seen in the probe phase under load
    [InlineData(135, true)]  // SIGBUS
    [InlineData(143, false)] // SIGTERM: the user or Slurm stopped it
    [InlineData(130, false)] // SIGINT
    [InlineData(137, false)] // SIGKILL: out of memory or scancel; a retry would only repeat it
    [InlineData(1, false)]   // a run that failed and said so
    [InlineData(4, false)]
    public void Only_a_native_crash_is_retried(int exitCode, bool retried) => Assert.Equal(retried, SweepRunner.IsCrash(exitCode));

    [Fact]
    public void Opening_a_run_folder_removes_the_half_written_files_of_a_killed_writer()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        var stale = Path.Combine(run, "checkpoints", "step-000000008.ckpt.tmp");
        var kept = Path.Combine(run, "checkpoints", "step-000000004.ckpt");
        File.WriteAllText(stale, "half");
        File.WriteAllText(kept, "whole");
        using (var opened = RunDirectory.TryOpen(run))
            Assert.NotNull(opened);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(kept));
    }
}
