using System.Diagnostics;
using System.Reflection;

namespace SslAnomaly.Util;

/// <summary>How to start this same CLI again as a child process (`dotnet ssl-anomaly.dll` or the apphost).</summary>
public static class SelfInvocation
{
    /// <summary>The command prefix: the program and the arguments that precede the verb.</summary>
    public static (string FileName, IReadOnlyList<string> Prefix) Command()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var entry = Assembly.GetEntryAssembly()?.Location;
        bool viaDotnet = Path.GetFileNameWithoutExtension(process) == "dotnet";
        if (viaDotnet && !string.IsNullOrEmpty(entry)) return (process, [entry]);
        return (process, []);
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var (file, prefix) = Command();
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in prefix.Concat(args)) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>A shell-quoted command line, for scripts (Slurm).</summary>
    public static string ShellCommand(IEnumerable<string> args)
    {
        var (file, prefix) = Command();
        return string.Join(' ', new[] { file }.Concat(prefix).Concat(args).Select(ShellQuote));
    }

    public static string ShellQuote(string s) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:,+%@".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
