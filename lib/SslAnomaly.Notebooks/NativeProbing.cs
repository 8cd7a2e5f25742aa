using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Finds an assembly's native libraries next to it and under runtimes/&lt;rid&gt;/native, where a build output
/// keeps them. Notebook hosts load our assembly from its build folder with no deps.json of their own, so
/// without this SkiaSharp would not find libSkiaSharp. It runs only after the host's own probing failed.
/// </summary>
static class NativeProbing
{
    public static void Install(Assembly assembly)
    {
        var context = AssemblyLoadContext.GetLoadContext(assembly) ?? AssemblyLoadContext.Default;
        string? folder = Path.GetDirectoryName(assembly.Location);
        if (string.IsNullOrEmpty(folder)) return;
        context.ResolvingUnmanagedDll += (requesting, name) =>
            requesting == assembly && Candidates(folder, name).FirstOrDefault(File.Exists) is { } path && NativeLibrary.TryLoad(path, out var handle)
                ? handle : IntPtr.Zero;
    }

    static IEnumerable<string> Candidates(string folder, string name)
    {
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string ext = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        var files = new[] { name, name + ext, "lib" + name + ext }.Distinct();
        foreach (var dir in new[] { folder, Path.Combine(folder, "runtimes", $"{os}-{arch}", "native") })
            foreach (var file in files)
                yield return Path.Combine(dir, file);
    }
}
