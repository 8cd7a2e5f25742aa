using System.Diagnostics;

namespace SslAnomaly.Tests.Support;

/// <summary>Runs the real `ssl-anomaly` CLI (built next to the tests) as a child process.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static string DllPath => System.IO.Path.Combine(AppContext.BaseDirectory, "ssl-anomaly.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        return info;
    }

    public static Result Run(IEnumerable<string> args, IDictionary<string, string>? environment = null, int timeoutSeconds = 600)
    {
        using var p = Process.Start(StartInfo(args, environment))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"ssl-anomaly {string.Join(' ', args)} ran past {timeoutSeconds} s");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(params string[] args) => Run((IEnumerable<string>)args);
}
