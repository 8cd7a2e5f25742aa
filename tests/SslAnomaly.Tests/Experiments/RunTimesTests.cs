using SslAnomaly.Util;

namespace SslAnomaly.Tests.Experiments;

/// <summary>A run's time read back from its run.log over every process that worked on it, and a study's busy wall time.</summary>
public class RunTimesTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    static string At(double seconds) => $"{T0.AddSeconds(seconds):O}";

    [Fact]
    public void A_resumed_run_sums_its_processes_and_leaves_out_one_killed_without_an_end_line()
    {
        using var dir = new TempDir();
        var log = dir.File("run.log");
        File.WriteAllLines(log,
        [
            $"--- {At(0)} start (pid 1)",
            "data: embedded ...",
            "training interrupted after 700 steps in 1800.0 s (28.4 img/s); this process trained 700 steps, from step 0",
            $"--- {At(1830)} interrupted at step 700 (checkpoint step-000000700.ckpt)",
            $"--- {At(2000)} start (pid 2)",
            "resuming from checkpoint at step 700",
            // Killed during its evaluation: its training line is there, its end line is not, so neither counts.
            "training completed after 992 steps in 90.0 s (20.0 img/s); this process trained 292 steps, from step 700",
            $"--- {At(2100)} start (pid 3)",
            "training completed after 992 steps in 600.5 s (20.0 img/s); this process trained 292 steps, from step 700",
            "features: 3255 probe-training and 4848 val and 4886 test rows in 80.0 s",
            $"--- {At(2100 + 20 + 600.5 + 100)} completed",
        ]);
        var times = RunTimes.Read(log, evaluationSeconds: 100, oneClassSeconds: 8);

        Assert.Equal(2, times.Processes.Count);
        Assert.Equal(1, times.UnendedProcesses);
        Assert.Equal(1830 + 720.5, times.WallSeconds, 6);
        Assert.Equal(2400.5, times.TrainingSeconds, 6);
        Assert.Equal(80, times.FeatureSeconds, 6);
        Assert.Equal(12, times.ProbeSeconds, 6);
        Assert.Equal(1830 + 720.5 - 2400.5 - 100, times.SetupSeconds, 6);
    }

    [Fact]
    public void Busy_time_counts_overlapping_processes_once_and_leaves_out_the_gaps()
    {
        RunProcess P(double from, double to) => new(T0.AddSeconds(from), T0.AddSeconds(to));
        // Two runs side by side (0-100, 50-120), a gap, then one alone (200-260) and one inside it (210-220).
        Assert.Equal(120 + 60, RunTimes.BusySeconds([P(200, 260), P(0, 100), P(210, 220), P(50, 120)]), 6);
        Assert.Equal(0, RunTimes.BusySeconds([]));
    }

    [Fact]
    public void A_process_the_sweep_saw_crash_ends_where_the_sweep_recorded_it_with_the_exception_kept()
    {
        using var dir = new TempDir();
        using (var run = RunDirectory.Open(dir.File("run")))
        {
            File.WriteAllLines(run.LogPath, [$"--- {DateTimeOffset.UtcNow.AddSeconds(-90):O} start (pid 7)", "data: embedded ..."]);
            var stderr = "Unhandled exception. System.InvalidOperationException: the thing that went wrong\n" +
                         string.Concat(Enumerable.Range(0, 300).Select(i => $"   at Frame{i}()\n"));
            SweepRunner.RecordDeath(run, 134, stderr);
        }
        var log = dir.File("run/run.log");
        var text = File.ReadAllText(log);
        Assert.Contains("ended (exit code 134)", text);
        Assert.Contains("    Unhandled exception. System.InvalidOperationException: the thing that went wrong", text);
        Assert.Contains("(101 lines left out)", text);
        Assert.Contains("   at Frame299()", text);

        var times = RunTimes.Read(log, evaluationSeconds: 0, oneClassSeconds: 0);
        Assert.Single(times.Processes);
        Assert.Equal(0, times.UnendedProcesses);
        Assert.InRange(times.WallSeconds, 89, 120);
    }
}
