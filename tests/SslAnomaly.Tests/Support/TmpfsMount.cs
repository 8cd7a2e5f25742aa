using SslAnomaly.Util;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SslAnomaly.Tests.Support;

/// <summary>
/// A small tmpfs mounted on a temp folder (needs root, as in CI), to make a disk genuinely full. Skips the test with a
/// clear message only where mounting is impossible (not root, or no mount privilege in this container); unmounts on dispose.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    readonly TempDir dir = new();

    [DllImport("libc")]
    static extern uint geteuid();

    public TmpfsMount(long bytes)
    {
        Skip.If(!OperatingSystem.IsLinux() || geteuid() != 0, "a full disk is simulated with a tmpfs mount, which needs root on Linux (CI runs as root)");
        var (code, text) = Tool("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", dir.Path);
        Skip.If(code != 0 && (text.Contains("permission denied", StringComparison.OrdinalIgnoreCase) || text.Contains("not permitted", StringComparison.OrdinalIgnoreCase)),
            $"cannot mount a tmpfs here: {text.Trim()}");
        Assert.True(code == 0, $"mount -t tmpfs failed: {text}");
    }

    public string Path => dir.Path;
    public string File(string name) => dir.File(name);

    /// <summary>Gives the file system a new size (tmpfs resizes in place: "space is freed").</summary>
    public void Resize(long bytes)
    {
        var (code, text) = Tool("mount", "-o", $"remount,size={bytes}", dir.Path);
        Assert.True(code == 0, $"remount failed: {text}");
    }

    /// <summary>Fills all but <paramref name="leave"/> bytes with a filler file; returns its path (delete it to free the space).</summary>
    public string Fill(long leave)
    {
        var filler = dir.File("filler");
        long free = new DriveInfo(dir.Path).AvailableFreeSpace;
        using var stream = new FileStream(filler, FileMode.Create);
        var block = new byte[4096];
        for (long left = free - leave; left > 0; left -= block.Length)
            stream.Write(block, 0, (int)Math.Min(block.Length, left));
        return filler;
    }

    static (int Code, string Text) Tool(string name, params string[] args)
    {
        var ran = ChildProcess.Run(ChildProcess.Info(name, args), 120, name);
        return (ran.ExitCode, ran.All);
    }

    public void Dispose()
    {
        Tool("umount", "-l", dir.Path);
        dir.Dispose();
    }
}
