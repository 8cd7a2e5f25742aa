using System.Runtime.InteropServices;

namespace SslAnomaly.Native;

/// <summary>
/// Variables that native libraries read from the C environment when they start. .NET keeps its own copy of the
/// environment on Unix, so <see cref="Environment.SetEnvironmentVariable(string, string)"/> alone never reaches libtorch,
/// MKL or oneDNN: this sets both copies (child processes inherit .NET's).
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

    /// <summary>Sets <paramref name="name"/> unless the user already has; returns the value in force.</summary>
    public static string SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } existing) return existing;
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            try
            {
                SetEnv(name, value, overwrite: 0);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // No C library to tell: the variable still reaches child processes.
            }
        }
        return value;
    }
}
