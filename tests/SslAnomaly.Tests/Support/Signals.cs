using System.Runtime.InteropServices;

namespace SslAnomaly.Tests.Support;

/// <summary>Sends POSIX signals to child processes (Process.Kill only sends SIGKILL).</summary>
public static class Signals
{
    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
    }
}
