using System.Diagnostics;

namespace SslAnomaly.Util;

/// <summary>How a child process ended: its exit code and everything it wrote.</summary>
public sealed record ChildProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;
}

/// <summary>
/// Runs a program to its end and collects its output: both streams are read while it runs (a child that fills one pipe
/// while the parent waits on the other would hang both), and past the timeout the whole process tree is killed.
/// </summary>
public static class ChildProcess
{
    /// <summary>A start info that redirects both streams, with <paramref name="arguments"/> passed as they are (no shell quoting).</summary>
    public static ProcessStartInfo Info(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        return info;
    }

    /// <param name="what">How the timeout's message names the command.</param>
    public static ChildProcessResult Run(ProcessStartInfo info, int timeoutSeconds, string what)
    {
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"{what} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} ran past {timeoutSeconds} s");
        }
        p.WaitForExit();
        return new ChildProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
