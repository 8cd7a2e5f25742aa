using System.Diagnostics;
using SslAnomaly.Util;

namespace SslAnomaly.Experiments;

/// <summary>
/// Runs the missing experiments of a sweep, each as its own `ssl-anomaly sweep task` child process (so a crash
/// or an out-of-memory kill costs one experiment, not the sweep). Every run folder is locked by whoever
/// runs it and result.json is written atomically, so interrupting and restarting the sweep (or running
/// two sweeps on the same folder) never loses or duplicates a result.
/// </summary>
public sealed class SweepRunner(string sweepDir, SweepPlan plan, TextWriter log)
{
    public sealed record Summary(int Completed, int Failed, int Total);

    public Summary Run(int parallel, CancellationToken cancel = default)
    {
        if (parallel < 1) throw new UserInputException($"--parallel {parallel} must be at least 1.");
        var pending = new Queue<SweepEntry>(LongestFirst(plan, plan.Entries.Where(e => RunDirectory.ReadStatus(plan.RunDirectoryOf(sweepDir, e)) is null)));
        log.WriteLine($"sweep {sweepDir}: {plan.Entries.Count} experiments, {plan.Entries.Count - pending.Count} already finished, {pending.Count} to run ({parallel} at a time)");
        var workers = Enumerable.Range(0, parallel).Select(_ => Task.Run(() =>
        {
            while (!cancel.IsCancellationRequested)
            {
                SweepEntry entry;
                lock (pending)
                {
                    if (pending.Count == 0) return;
                    entry = pending.Dequeue();
                }
                RunOne(entry, ThreadsPerChild(parallel), cancel);
            }
        }, cancel)).ToArray();
        Task.WaitAll(workers, cancel);
        return Summarise();
    }

    /// <summary>
    /// The entries with the most training first (images trained: epochs x train size), plan order among equals. Started
    /// in plan order, quick's three supervised ResNet-18 runs (about 6 minutes each) came last and the final one ran
    /// alone for 3 minutes; started first, the short runs fill the other slots around them.
    /// </summary>
    public static IReadOnlyList<SweepEntry> LongestFirst(SweepPlan plan, IEnumerable<SweepEntry> entries) =>
        [.. entries.Select(e => (Entry: e, Config: plan.Config(e)))
            .OrderByDescending(x => (long)x.Config.Epochs * x.Config.TrainSize)
            .Select(x => x.Entry)];

    public Summary Summarise()
    {
        int completed = 0, failed = 0;
        foreach (var e in plan.Entries)
        {
            var status = RunDirectory.ReadStatus(plan.RunDirectoryOf(sweepDir, e));
            if (status == RunStatus.Completed) completed++;
            else if (status == RunStatus.Failed) failed++;
        }
        return new Summary(completed, failed, plan.Entries.Count);
    }

    /// <summary>
    /// How many runs at once when the user does not say (--parallel omitted): one per core on a CPU, each with one
    /// libtorch thread, because two single-thread runs on 2 cores do more work than one run with two threads (the
    /// 64 px convolutions are too small to keep two OpenMP threads busy, and start-up, data and probe phases are
    /// serial); at most one per 3 GiB of memory; and 1 with a GPU, which the runs would otherwise share.
    /// </summary>
    public static int AutoParallel(bool gpu, int? cores = null, long? memoryBytes = null)
    {
        if (gpu) return 1;
        long memory = memoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        int byMemory = (int)Math.Max(1, memory / (3L << 30));
        return Math.Max(1, Math.Min(cores ?? Environment.ProcessorCount, byMemory));
    }

    /// <summary>
    /// libtorch threads for each of <paramref name="parallel"/> concurrent children: the cores shared out, so that N
    /// children do not each start one thread per core and thrash (null: leave libtorch's default, or the user's
    /// OMP_NUM_THREADS, alone). Passed through the environment, not the config, so a run's identity does not depend on
    /// how many ran beside it.
    /// </summary>
    public static int? ThreadsPerChild(int parallel, int? cores = null, string? userSetting = null)
    {
        userSetting ??= Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        if (parallel <= 1 || !string.IsNullOrEmpty(userSetting)) return null;
        return Math.Max(1, (cores ?? Environment.ProcessorCount) / parallel);
    }

    /// <summary>
    /// Starts of one run before the sweep leaves it missing. A child that a native crash ends without a status (a
    /// segmentation fault or abort inside libtorch) is started again: it resumes from its last checkpoint, so a crash in
    /// the probe phase costs a re-evaluation, not the pretraining. A run that fails with a status, or is interrupted or
    /// killed, is never retried.
    /// </summary>
    public const int MaxAttempts = 3;

    void RunOne(SweepEntry entry, int? threads, CancellationToken cancel)
    {
        var runDir = plan.RunDirectoryOf(sweepDir, entry);
        int attempts = 0;
        while (!cancel.IsCancellationRequested && attempts < MaxAttempts)
        {
            // Another process (a second sweep, an earlier sweep's orphan, a Slurm task) may hold this run: wait for it.
            if (RunDirectory.ReadStatus(runDir) is not null) return;
            using (var probe = RunDirectory.TryOpen(runDir))
                if (probe is null)
                {
                    Thread.Sleep(1000);
                    continue;
                }
            var (exitCode, errors) = Launch(entry, runDir, threads, cancel);
            if (RunDirectory.ReadStatus(runDir) is not null) return;
            using (var probe = RunDirectory.TryOpen(runDir))
            {
                // Unfinished with the folder locked: another process took it between our probe and our child's start, so
                // our child was refused; wait for that one instead of counting the run as missing.
                if (probe is null) continue;
                if (DiedWithoutEndLine(exitCode)) RecordDeath(probe, exitCode, errors);
            }
            attempts++;
            if (cancel.IsCancellationRequested || !IsCrash(exitCode)) return;
            lock (log)
                log.WriteLine(attempts < MaxAttempts
                    ? $"[{entry.Index + 1}/{plan.Entries.Count}] {entry.RunName}: ended without a result (exit code {exitCode}); resuming it from its last checkpoint (start {attempts + 1} of {MaxAttempts})"
                    : $"[{entry.Index + 1}/{plan.Entries.Count}] {entry.RunName}: ended without a result {MaxAttempts} times; left missing (run the sweep again to resume it)");
        }
    }

    /// <summary>Killed by SIGABRT, SIGBUS or SIGSEGV (128 + signal): a native crash, not an interrupt (SIGINT, SIGTERM) or a kill.</summary>
    public static bool IsCrash(int exitCode) => exitCode is 134 or 135 or 139;

    /// <summary>A crash or SIGKILL (an out-of-memory kill): the child could not write its own end line to run.log.</summary>
    static bool DiedWithoutEndLine(int exitCode) => IsCrash(exitCode) || exitCode == 137;

    /// <summary>
    /// Ends the dead child's part of run.log for it: when it died (so the run's time accounting knows where the process
    /// ended, <see cref="RunTimes"/>) and what it wrote to standard error, whose opening lines name the exception; the
    /// sweep's own log keeps only a few lines of it.
    /// </summary>
    public static void RecordDeath(RunDirectory run, int exitCode, string errors)
    {
        var lines = errors.TrimEnd().Split('\n');
        var kept = lines.Length <= MaxRecordedErrorLines ? lines
            : [.. lines.Take(MaxRecordedErrorLines / 2), $"({lines.Length - MaxRecordedErrorLines} lines left out)", .. lines.TakeLast(MaxRecordedErrorLines / 2)];
        File.AppendAllText(run.LogPath,
            $"--- {DateTimeOffset.UtcNow:O} ended (exit code {exitCode}) without writing its own end line; its standard error:\n" +
            string.Concat(kept.Select(l => $"    {l.TrimEnd('\r')}\n")));
    }

    const int MaxRecordedErrorLines = 200;

    /// <returns>The child's exit code and what it wrote to standard error.</returns>
    (int ExitCode, string Errors) Launch(SweepEntry entry, string runDir, int? threads, CancellationToken cancel)
    {
        var info = SelfInvocation.StartInfo([.. SweepPlan.TaskArguments(sweepDir), entry.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.Environment["SSL_ANOMALY_PLAIN_PROGRESS"] = "1";
        if (threads is { } t) info.Environment["OMP_NUM_THREADS"] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        lock (log) log.WriteLine($"[{entry.Index + 1}/{plan.Entries.Count}] {entry.RunName}: started");
        using var child = Process.Start(info)!;
        var stdout = child.StandardOutput.ReadToEndAsync(cancel);
        var stderr = child.StandardError.ReadToEndAsync(cancel);
        child.WaitForExit();
        var status = RunDirectory.ReadStatus(runDir)?.Name() ?? $"exit code {child.ExitCode}";
        lock (log)
        {
            log.WriteLine($"[{entry.Index + 1}/{plan.Entries.Count}] {entry.RunName}: {status} in {clock.Elapsed.TotalSeconds:F0} s");
            if (child.ExitCode != 0)
                log.WriteLine(Indent(stderr.Result.Length > 0 ? stderr.Result : stdout.Result));
        }
        return (child.ExitCode, stderr.Result);
    }

    /// <summary>The opening lines (an unhandled exception's type and message) and the last of a child's output, indented.</summary>
    static string Indent(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        var shown = lines.Length <= 12 ? lines : [.. lines.Take(4), $"({lines.Length - 12} lines left out; the run's run.log has them after a crash)", .. lines.TakeLast(8)];
        return string.Join('\n', shown.Select(l => "    " + l));
    }
}
