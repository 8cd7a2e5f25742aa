using System.Diagnostics;
using SslAnomaly.Util;

namespace SslAnomaly.Tests.Support;

/// <summary>Runs the real `ssl-anomaly` CLI (built next to the tests) as a child process.</summary>
public static class CliProcess
{
    public static string DllPath => System.IO.Path.Combine(AppContext.BaseDirectory, "ssl-anomaly.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        ChildProcess.Info("dotnet", [DllPath, .. args], environment);

    public static ChildProcessResult Run(IEnumerable<string> args, IDictionary<string, string>? environment = null, int timeoutSeconds = 600) =>
        ChildProcess.Run(StartInfo(args, environment), timeoutSeconds, $"ssl-anomaly {string.Join(' ', args)}");

    public static ChildProcessResult Run(params string[] args) => Run((IEnumerable<string>)args);
}
