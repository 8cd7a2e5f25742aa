using System.Runtime.InteropServices;

namespace SslAnomaly.Native;

/// <summary>
/// Variables that native libraries read from the C environment when they start (libgomp's OMP_WAIT_POLICY, oneDNN's
/// ONEDNN_MAX_CPU_ISA). .NET keeps its own copy of the environment on Unix, so
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> alone never reaches them: this sets both copies
/// (child processes inherit .NET's).
/// </summary>
public static partial class NativeEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);

    /// <summary>Sets <paramref name="name"/> for the runtime and for native code; null removes it.</summary>
    public static void Set(string name, string? value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsWindows()) return;
        int status = value is null ? UnsetEnv(name) : SetEnv(name, value, 1);
        if (status != 0) throw new InvalidOperationException($"{(value is null ? "unsetenv" : "setenv")}({name}) failed");
    }
}
