using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SslAnomaly.Native;

/// <summary>What <see cref="TorchRuntime.EnsureLoaded"/> did to bring libtorch up.</summary>
public sealed record TorchLoadReport(
    string NativeDirectory,
    string LibTorchSharpPath,
    bool Patched,
    string? PatchedCopy,
    bool PatchedCopyReused,
    IReadOnlyList<string> WeakenedVersions,
    double Seconds)
{
    public string Describe() => Patched
        ? $"patched copy {(PatchedCopyReused ? "reused from cache" : "written")}: {PatchedCopy} (from {LibTorchSharpPath}; {string.Join(", ", WeakenedVersions)} marked weak)"
        : $"not needed: {LibTorchSharpPath} loads as shipped";
}

/// <summary>libtorch could not be loaded; the message says what is missing and what to do.</summary>
public sealed class TorchLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Loads TorchSharp's native libraries before TorchSharp itself tries, fixing the one known
/// incompatibility with Debian 12 / Ubuntu 22.04 class systems on the way.
///
/// TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 for a link anchor only. We try the
/// shipped file first; if glibc refuses it for a version that only anchors use, we load a copy whose
/// requirement is marked weak. The copy lives in a per-user cache keyed by the original's SHA-256 and
/// is written to a temp file then renamed, so concurrent first starts are safe. Once the library is
/// loaded, TorchSharp's own load by name finds it by soname. Any failure becomes a
/// <see cref="TorchLoadException"/> before TorchSharp can fall back to copying 600 MB of natives.
/// </summary>
public static class TorchRuntime
{
    public const string LibTorchSharpFile = "libLibTorchSharp.so";
    public const string LibTorchFile = "libtorch.so";
    /// <summary>Symbols that exist only to anchor a version at link time and are never called.</summary>
    public static readonly IReadOnlySet<string> LinkAnchorSymbols = new HashSet<string> { "_ZSt21ios_base_library_initv" };
    /// <summary>Overrides the cache folder for patched copies (tests, read-only homes).</summary>
    public const string CacheEnvironmentVariable = "SSL_ANOMALY_NATIVE_CACHE";

    static readonly object gate = new();
    static TorchLoadReport? loaded;
    static TorchLoadException? failed;

    /// <summary>Loads libtorch once per process; later calls return the first outcome.</summary>
    public static TorchLoadReport EnsureLoaded()
    {
        lock (gate)
        {
            if (loaded is not null) return loaded;
            if (failed is not null) throw failed;
            try
            {
                loaded = Load();
                return loaded;
            }
            catch (TorchLoadException e)
            {
                failed = e;
                throw;
            }
            catch (Exception e)
            {
                failed = new TorchLoadException($"libtorch could not be loaded: {e.Message}", e);
                throw failed;
            }
        }
    }

    static TorchLoadReport Load()
    {
        var clock = Stopwatch.StartNew();
        if (!OperatingSystem.IsLinux())
        {
            // TorchSharp's own loader handles Windows and macOS; nothing to fix there.
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
            return new TorchLoadReport("(TorchSharp default)", "(TorchSharp default)", false, null, false, [], clock.Elapsed.TotalSeconds);
        }
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw new TorchLoadException($"TorchSharp ships libtorch for linux-x64 only; this process is linux-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}.");

        var directories = CandidateDirectories().ToList();
        string libTorchSharp = FindIn(directories, LibTorchSharpFile)
            ?? throw new TorchLoadException(
                $"{LibTorchSharpFile} was not found (looked in: {string.Join(", ", directories)}). " +
                "Restore and build the solution (`dotnet build NotebookSupport.sln`) so that the TorchSharp package's natives are copied, " +
                "or reference TorchSharp-cpu (or TorchSharp-cuda-linux with -p:TorchBackend=cuda).");
        string nativeDirectory = Path.GetDirectoryName(libTorchSharp)!;
        // libtorch.so must come from the same place TorchSharp will use: a second copy aborts the process.
        string libTorch = File.Exists(Path.Combine(nativeDirectory, LibTorchFile))
            ? Path.Combine(nativeDirectory, LibTorchFile)
            : FindIn(directories, LibTorchFile)
              ?? throw new TorchLoadException(
                  $"{LibTorchFile} was not found next to {libTorchSharp} nor in: {string.Join(", ", directories)}. " +
                  "The libtorch-cpu-linux-x64 (or libtorch-cuda) package is not restored: run `dotnet restore NotebookSupport.sln`.");

        NativeAllocator.Apply(); // before libtorch allocates anything
        try
        {
            NativeLibrary.Load(libTorch); // pulls libtorch_cpu, libc10 and libgomp through its $ORIGIN runpath
        }
        catch (Exception e)
        {
            throw new TorchLoadException($"{libTorch} failed to load: {e.Message}. The libtorch package may be incomplete: delete it from ~/.nuget/packages and restore again.", e);
        }

        string? firstError = TryLoad(libTorchSharp);
        if (firstError is null)
            return Finish(new TorchLoadReport(nativeDirectory, libTorchSharp, false, null, false, [], clock.Elapsed.TotalSeconds));

        var missing = Regex.Matches(firstError, @"version `([^']+)' not found").Select(m => m.Groups[1].Value).ToList();
        if (missing.Count == 0)
            throw new TorchLoadException($"{libTorchSharp} failed to load: {firstError}");

        var elf = ElfVersionNeeds.Read(libTorchSharp);
        var anchorOnly = elf.Needs
            .Where(n => !n.IsWeak && elf.SymbolsUsing(n).Count > 0 && elf.SymbolsUsing(n).All(LinkAnchorSymbols.Contains))
            .Select(n => n.Version).Distinct().ToList();
        var unfixable = missing.Where(v => !anchorOnly.Contains(v)).ToList();
        if (unfixable.Count > 0)
            throw new TorchLoadException(
                $"{libTorchSharp} needs {string.Join(", ", unfixable)}, which this system's C/C++ runtime does not provide " +
                $"(loader said: {firstError}). These versions are used by real symbols, so they cannot be patched away: " +
                "use a distribution with a newer libstdc++/glibc (Debian 13, Ubuntu 24.04) or a container.");

        var (copy, reused) = PatchedCopy(libTorchSharp, elf, anchorOnly);
        string? secondError = TryLoad(copy);
        if (secondError is not null)
            throw new TorchLoadException($"The patched copy {copy} of {libTorchSharp} still fails to load: {secondError}");
        return Finish(new TorchLoadReport(nativeDirectory, libTorchSharp, true, copy, reused, anchorOnly, clock.Elapsed.TotalSeconds));
    }

    static TorchLoadReport Finish(TorchLoadReport report)
    {
        try
        {
            // TorchSharp now finds LibTorchSharp and torch_cpu by soname among the loaded libraries.
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        }
        catch (Exception e)
        {
            throw new TorchLoadException($"libtorch loaded from {report.NativeDirectory}, but TorchSharp failed to initialise: {e.Message}", e);
        }
        return report;
    }

    static string? TryLoad(string path)
    {
        try
        {
            NativeLibrary.Load(path);
            return null;
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
        catch (BadImageFormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Writes (or reuses) the weak-version copy in the per-user cache, atomically.</summary>
    static (string Path, bool Reused) PatchedCopy(string original, ElfVersionNeeds elf, IReadOnlyList<string> weaken)
    {
        byte[] patched = elf.WithWeakVersions(weaken);
        string originalHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(original)));
        string folder = Path.Combine(CacheRoot(), originalHash);
        string target = Path.Combine(folder, LibTorchSharpFile);
        byte[] expectedHash = SHA256.HashData(patched);
        if (File.Exists(target) && SHA256.HashData(File.ReadAllBytes(target)).AsSpan().SequenceEqual(expectedHash))
            return (target, true);

        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{LibTorchSharpFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, patched);
            File.Move(temp, target, overwrite: true); // rename(2): readers see the old or the new file, never half
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return (target, false);
    }

    /// <summary>Per-user cache folder for patched natives.</summary>
    public static string CacheRoot()
    {
        var overridden = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridden)) return Path.GetFullPath(overridden);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrWhiteSpace(xdg) ? xdg
            : !string.IsNullOrWhiteSpace(home) ? Path.Combine(home, ".cache")
            : Path.Combine(Path.GetTempPath(), $"ssl-anomaly-{Environment.UserName}");
        return Path.Combine(root, "ssl-anomaly", "native");
    }

    /// <summary>Where the runtime will look for TorchSharp's natives, most specific first.</summary>
    public static IEnumerable<string> CandidateDirectories()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<string> Raw()
        {
            // The host's native probing paths (from the app's deps.json) are exactly what TorchSharp will use.
            if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string probing)
                foreach (var d in probing.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return d;
            yield return AppContext.BaseDirectory;
            yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
            // Hosts that load TorchSharp.dll straight from the NuGet cache (notebooks with #r "nuget: ...").
            var torchSharpDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
            if (!string.IsNullOrEmpty(torchSharpDir))
            {
                yield return torchSharpDir;
                yield return Path.Combine(torchSharpDir, "runtimes", "linux-x64", "native");
                var packageRoot = Path.GetFullPath(Path.Combine(torchSharpDir, "..", ".."));
                yield return Path.Combine(packageRoot, "runtimes", "linux-x64", "native");
                var packagesDir = Path.GetFullPath(Path.Combine(packageRoot, "..", ".."));
                foreach (var name in new[] { "libtorch-cpu-linux-x64", "libtorch-cuda-12.8-linux-x64" })
                {
                    var package = Path.Combine(packagesDir, name);
                    if (Directory.Exists(package))
                        foreach (var version in Directory.GetDirectories(package).OrderDescending())
                            yield return Path.Combine(version, "runtimes", "linux-x64", "native");
                }
            }
        }
        foreach (var d in Raw())
        {
            var full = Path.GetFullPath(d);
            if (Directory.Exists(full) && seen.Add(full)) yield return full;
        }
    }

    static string? FindIn(IEnumerable<string> directories, string file) =>
        directories.Select(d => Path.Combine(d, file)).FirstOrDefault(File.Exists);
}
