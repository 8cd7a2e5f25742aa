using System.Globalization;
using System.Text.RegularExpressions;

namespace SslAnomaly.Experiments;

/// <summary>One process that worked on a run, from its start line in run.log to the line that ended it.</summary>
public readonly record struct RunProcess(DateTimeOffset Start, DateTimeOffset End)
{
    public double Seconds => (End - Start).TotalSeconds;
}

/// <summary>
/// Where a finished run's time went, over every process that worked on it (a run interrupted and resumed has several):
/// read from run.log, whose start and end lines carry timestamps and whose phase lines carry each phase's seconds.
/// result.json keeps only the last process's pretraining seconds, so a resumed run's training is summed here.
/// Setup is what a process spent outside training and evaluation: loading data, building the model, the kernel check.
/// A process that crashed or was killed under a sweep gets its end line from the sweep ("ended"); one killed with no sweep
/// to see it (a lost machine) is not counted, and is counted in <see cref="UnendedProcesses"/>.
/// </summary>
public sealed partial record RunTimes(
    IReadOnlyList<RunProcess> Processes,
    double TrainingSeconds,
    double FeatureSeconds,
    double OneClassSeconds,
    double EvaluationSeconds,
    int UnendedProcesses)
{
    public double WallSeconds => Processes.Sum(p => p.Seconds);
    /// <summary>The probe, its imbalance grids and their bootstrap intervals: evaluation less features and the one-class study.</summary>
    public double ProbeSeconds => Math.Max(0, EvaluationSeconds - FeatureSeconds - OneClassSeconds);
    public double SetupSeconds => Math.Max(0, WallSeconds - TrainingSeconds - EvaluationSeconds);

    // A process's first and last lines: "--- 2026-12-07T08:58:18.67+00:00 start (pid 1)", then "--- TIME interrupted at
    // step 748", "completed", "failed", or "ended (exit code 134)", which the sweep writes for a child that died.
    static readonly HashSet<string> BoundaryWords = new(StringComparer.Ordinal) { "start", "interrupted", "completed", "failed", "ended" };

    // The seconds a phase line reports: "training completed after 992 steps in 1315.7 s (22.8 img/s); ...",
    // "features: 3255 probe-training and 4848 val and 4886 test rows in 76.1 s".
    [GeneratedRegex(@" in ([0-9.]+) s\b")]
    private static partial Regex ReportedSeconds();

    static bool IsBoundary(string line, out DateTimeOffset at, out string word)
    {
        var parts = line.Split(' ', 4);
        (at, word) = (default, "");
        if (parts.Length < 3 || parts[0] != "---" || !BoundaryWords.Contains(parts[2])) return false;
        word = parts[2];
        return DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
    }

    static double Seconds(string line) =>
        ReportedSeconds().Match(line) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    /// <summary>The times of a finished run from its run.log and result.json; null when its folder has no run.log (a
    /// published run keeps it, a copied result.json alone does not).</summary>
    public static RunTimes? Of(RunResult run)
    {
        string log = Path.Combine(run.RunDirectory, RunDirectory.LogFile);
        return run.RunDirectory.Length > 0 && File.Exists(log) ? Read(log, run.EvaluationSeconds, run.OneClassSeconds) : null;
    }

    /// <summary>The times in <paramref name="runLog"/>; evaluation and one-class seconds come from the finished run's
    /// result.json, as its last process measured them.</summary>
    public static RunTimes Read(string runLog, double evaluationSeconds, double oneClassSeconds)
    {
        var processes = new List<RunProcess>();
        DateTimeOffset? open = null;
        int unended = 0;
        double training = 0, features = 0, openTraining = 0, openFeatures = 0;
        // A process's phase seconds count once its end line is read: one killed before it counts neither its wall time nor
        // the training it logged (its steps since the last checkpoint were done again by the next process).
        foreach (var line in File.ReadLines(runLog))
        {
            if (IsBoundary(line, out var at, out var word))
            {
                if (open is { } start && word != "start")
                {
                    processes.Add(new RunProcess(start, at));
                    training += openTraining;
                    if (openFeatures > 0) features = openFeatures;
                }
                else if (open is not null) unended++;
                open = word == "start" ? at : null;
                (openTraining, openFeatures) = (0, 0);
            }
            else if (line.StartsWith("training ", StringComparison.Ordinal)) openTraining += Seconds(line);
            else if (line.StartsWith("features: ", StringComparison.Ordinal)) openFeatures = Seconds(line);
        }
        if (open is not null) unended++;
        return new RunTimes(processes, training, features, oneClassSeconds, evaluationSeconds, unended);
    }

    /// <summary>Seconds in which at least one of the processes ran: the wall time of a grid whose runs overlapped, without the
    /// gaps between its sessions.</summary>
    public static double BusySeconds(IEnumerable<RunProcess> processes)
    {
        double busy = 0;
        DateTimeOffset? from = null, to = null;
        foreach (var p in processes.OrderBy(p => p.Start))
        {
            if (to is { } end && p.Start <= end)
            {
                if (p.End > end) to = p.End;
                continue;
            }
            if (from is { } f && to is { } t) busy += (t - f).TotalSeconds;
            (from, to) = (p.Start, p.End);
        }
        if (from is { } last && to is { } lastEnd) busy += (lastEnd - last).TotalSeconds;
        return busy;
    }
}

/// <summary>Process seconds of a group of runs, by phase (<see cref="RunTimes"/>).</summary>
public sealed record PhaseSeconds(int Runs, double Wall, double Setup, double Training, double Features, double Probe, double OneClass)
{
    public static PhaseSeconds Of(IReadOnlyCollection<RunTimes> runs) => new(runs.Count,
        runs.Sum(r => r.WallSeconds), runs.Sum(r => r.SetupSeconds), runs.Sum(r => r.TrainingSeconds),
        runs.Sum(r => r.FeatureSeconds), runs.Sum(r => r.ProbeSeconds), runs.Sum(r => r.OneClassSeconds));
}

/// <summary>
/// Where a study's time went: the wall time in which any of its runs was working (<see cref="RunTimes.BusySeconds"/>),
/// and the process seconds of its runs by phase, in all and per method. Runs that overlapped (a sweep's --parallel) add
/// up to more process seconds than wall seconds.
/// </summary>
public sealed record StudyTime(double BusyWallSeconds, int Processes, int UnendedProcesses, PhaseSeconds All, IReadOnlyDictionary<string, PhaseSeconds> ByMethod)
{
    /// <summary>The times of the finished runs that have a run.log.</summary>
    public static StudyTime Of(IReadOnlyList<RunResult> runs)
    {
        var timed = runs.Select(r => (r.Method, Times: RunTimes.Of(r))).Where(t => t.Times is not null)
            .Select(t => (t.Method, Times: t.Times!)).ToList();
        return new StudyTime(
            RunTimes.BusySeconds(timed.SelectMany(t => t.Times.Processes)),
            timed.Sum(t => t.Times.Processes.Count),
            timed.Sum(t => t.Times.UnendedProcesses),
            PhaseSeconds.Of(timed.Select(t => t.Times).ToList()),
            timed.GroupBy(t => t.Method, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => PhaseSeconds.Of(g.Select(t => t.Times).ToList()), StringComparer.Ordinal));
    }

    /// <summary>One line: the busy wall time, then the process hours by phase.</summary>
    public string Summary()
    {
        static string H(double seconds) => (seconds / 3600).ToString("0.00", CultureInfo.InvariantCulture) + " h";
        return $"time: {H(BusyWallSeconds)} of wall time with a run working; {H(All.Wall)} of run processes ({All.Runs} runs, {Processes} processes" +
               (UnendedProcesses > 0 ? $", {UnendedProcesses} ended without a log line and not counted" : "") +
               $"): training {H(All.Training)}, setup {H(All.Setup)}, features {H(All.Features)}, probe and grids {H(All.Probe)}, one-class {H(All.OneClass)}";
    }
}
