using System.Runtime.InteropServices;

namespace SslAnomaly.Bench;

/// <summary>
/// The native process environment. .NET's Environment.SetEnvironmentVariable changes only the runtime's own copy on
/// Unix; native libraries (libgomp reading OMP_WAIT_POLICY when libtorch loads) see only libc's environ.
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
