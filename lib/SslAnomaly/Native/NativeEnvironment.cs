using System.Runtime.InteropServices;

namespace SslAnomaly.Native;

/// <summary>
/// Variables that native libraries read from the C environment when they start (MKL, oneDNN, libgomp's
/// OMP_WAIT_POLICY). .NET keeps its own copy of the environment on Unix, so
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> alone never reaches them: this sets both copies
/// (child processes inherit .NET's).
/// </summary>
public static partial class NativeEnvironment
{
    /// <summary>
    /// MKL's conditional numerical reproducibility. Without it MKL picks code paths by memory alignment at run time, and
    /// the same probe on the same data gave probabilities 1e-4 apart in two processes, enough to flip a prediction at the
    /// threshold. AUTO keeps the fastest code path of this CPU and makes the results the same from run to run.
    /// </summary>
    public const string MklReproducibility = "MKL_CBWR";
    public const string MklReproducibilityDefault = "AUTO";

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

    /// <summary>Sets <paramref name="name"/> unless the user already has; returns the value in force.</summary>
    public static string SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } existing) return existing;
        Set(name, value);
        return value;
    }
}
