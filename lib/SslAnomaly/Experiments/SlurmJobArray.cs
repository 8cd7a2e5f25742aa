using System.Diagnostics;
using System.Text;
using SslAnomaly.Util;

namespace SslAnomaly.Experiments;

/// <summary>
/// The sweep as a Slurm job array: one array task per experiment (index = sweep.json entry), each task
/// running `ssl-anomaly sweep task`, which resumes its run from the last checkpoint and skips it when
/// already complete. Only missing experiments are put into the array.
/// </summary>
public sealed record SlurmOptions(int CpusPerTask = 2, string Time = "24:00:00", string? Partition = null, string? Gres = null, int MaxConcurrent = 0, string MemPerCpu = "");

public static class SlurmJobArray
{
    public const string ScriptName = "sweep.sbatch";

    public static string SlurmDirectory(string sweepDir) => Path.Combine(sweepDir, "slurm");

    /// <summary>Writes the sbatch script for the experiments still missing; returns its path and the indices.</summary>
    public static (string Script, IReadOnlyList<int> Indices) Write(string sweepDir, SweepPlan plan, SlurmOptions options)
    {
        var missing = plan.Entries.Where(e => !RunDirectory.IsCompleted(plan.RunDirectoryOf(sweepDir, e))).Select(e => e.Index).ToList();
        var dir = SlurmDirectory(sweepDir);
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        var script = Path.Combine(dir, ScriptName);
        AtomicFile.WriteAllText(script, Render(Path.GetFullPath(sweepDir), missing, options));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return (script, missing);
    }

    public static string Render(string sweepDir, IReadOnlyList<int> indices, SlurmOptions options)
    {
        var s = new StringBuilder();
        s.AppendLine("#!/bin/bash");
        s.AppendLine("# Written by `ssl-anomaly sweep --slurm`: one array task per experiment of sweep.json.");
        s.AppendLine("#SBATCH --job-name=ssl-anomaly");
        s.AppendLine($"#SBATCH --array={CompactRanges(indices)}{(options.MaxConcurrent > 0 ? $"%{options.MaxConcurrent}" : "")}");
        s.AppendLine($"#SBATCH --cpus-per-task={options.CpusPerTask}");
        s.AppendLine($"#SBATCH --time={options.Time}");
        if (!string.IsNullOrEmpty(options.MemPerCpu)) s.AppendLine($"#SBATCH --mem-per-cpu={options.MemPerCpu}");
        if (!string.IsNullOrEmpty(options.Partition)) s.AppendLine($"#SBATCH --partition={options.Partition}");
        if (!string.IsNullOrEmpty(options.Gres)) s.AppendLine($"#SBATCH --gres={options.Gres}");
        s.AppendLine($"#SBATCH --output={Path.Combine(SlurmDirectory(sweepDir), "logs", "%A_%a.out")}");
        s.AppendLine("set -euo pipefail");
        s.AppendLine("export SSL_ANOMALY_PLAIN_PROGRESS=1");
        s.AppendLine($"export OMP_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-{options.CpusPerTask}}}\"");
        s.AppendLine("exec " + SelfInvocation.ShellCommand(SweepPlan.TaskArguments(sweepDir)) + " \"$SLURM_ARRAY_TASK_ID\"");
        return s.ToString();
    }

    /// <summary>Submits with sbatch; returns the job id.</summary>
    public static string Submit(string script)
    {
        var info = new ProcessStartInfo("sbatch") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--parsable");
        info.ArgumentList.Add(script);
        Process p;
        try
        {
            p = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new UserInputException($"sbatch was not found: install Slurm's client tools, or use --dry-run and submit {script} where Slurm is available.");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEnd();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new UserInputException($"sbatch {script} failed (exit {p.ExitCode}): {stderr.Trim()}");
            return stdout.Trim().Split(';')[0];
        }
    }

    /// <summary>"0-4,7,9-10": Slurm's array syntax for a sorted index list.</summary>
    public static string CompactRanges(IReadOnlyList<int> indices)
    {
        if (indices.Count == 0) return "";
        var parts = new List<string>();
        int start = indices[0], prev = indices[0];
        foreach (var i in indices.Skip(1).Append(int.MinValue))
        {
            if (i == prev + 1) { prev = i; continue; }
            parts.Add(start == prev ? $"{start}" : $"{start}-{prev}");
            start = prev = i;
        }
        return string.Join(',', parts);
    }
}
