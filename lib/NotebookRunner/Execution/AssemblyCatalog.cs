using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Scripting.Hosting;

namespace NotebookRunner.Execution;

/// <summary>
/// The assemblies a notebook can use: the compiler references of every cell, and the same assemblies loaded
/// once into the default load context so that types are shared with the runner (one Formatter, one
/// TorchSharp). <c>#r</c> of a dll brings its dependencies from the same folder, as Roslyn's #r does;
/// native libraries are found next to each dll and under runtimes/&lt;rid&gt;/native (or via its deps.json).
/// </summary>
public sealed class AssemblyCatalog
{
    sealed record ProbeFolder(string Folder, AssemblyDependencyResolver? Resolver);

    readonly InteractiveAssemblyLoader loader;
    readonly Dictionary<string, MetadataReference> references = new(StringComparer.OrdinalIgnoreCase);
    readonly List<ProbeFolder> folders = [];
    readonly Action<string> warn;
    static readonly Dictionary<string, string> trustedPlatform = TrustedPlatformAssemblies();
    static readonly string frameworkFolder = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    public AssemblyCatalog(InteractiveAssemblyLoader loader, Action<string> warn)
    {
        this.loader = loader;
        this.warn = warn;
        AssemblyLoadContext.Default.Resolving += (_, name) => ResolveManaged(name);
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveNative;
        foreach (var path in trustedPlatform.Values.Where(p => IsFramework(p) && IsManaged(p)))
            references[Path.GetFileNameWithoutExtension(path)] = MetadataReference.CreateFromFile(path);
        // The runner's hosting types (display, HTML) and the Formatting package the notebooks format with.
        foreach (var assembly in new[] { typeof(AssemblyCatalog).Assembly, typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly, typeof(Microsoft.AspNetCore.Html.HtmlString).Assembly })
            Register(assembly);
    }

    public IReadOnlyCollection<MetadataReference> References => references.Values;

    /// <summary>Simple names of the shared framework's assemblies (System.Text.Json, Microsoft.CSharp, ...).</summary>
    public static IReadOnlySet<string> FrameworkAssemblyNames { get; } =
        trustedPlatform.Where(kv => IsFramework(kv.Value)).Select(kv => kv.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Loads <paramref name="path"/> and the dependencies next to it; returns the assemblies now referenced.</summary>
    public IReadOnlyList<Assembly> AddAssemblyFile(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new DirectiveException($"#r: {path} does not exist.");
        if (!IsManaged(path)) throw new DirectiveException($"#r: {path} is not a .NET assembly.");
        AddProbeFolder(Path.GetDirectoryName(path)!, path);
        return Closure(path).Select(Load).Where(a => a is not null).Select(a => Register(a!)).ToList();
    }

    /// <summary>A folder whose native libraries (and managed dependencies) may be needed later (package natives).</summary>
    public void AddProbeFolder(string folder, string? componentPath = null)
    {
        if (folders.Any(f => f.Folder == folder)) return;
        AssemblyDependencyResolver? resolver = null;
        if (componentPath is not null && File.Exists(Path.ChangeExtension(componentPath, ".deps.json")))
        {
            try { resolver = new AssemblyDependencyResolver(componentPath); }
            catch (InvalidOperationException e) { warn($"{componentPath}: its deps.json could not be read ({e.Message}); probing its folder instead."); }
        }
        folders.Add(new ProbeFolder(folder, resolver));
    }

    Assembly Register(Assembly assembly)
    {
        loader.RegisterDependency(assembly);
        references.TryAdd(assembly.GetName().Name!, MetadataReference.CreateFromFile(assembly.Location));
        return assembly;
    }

    /// <summary>The dll and, recursively, the assemblies it references that live in its folder.</summary>
    IEnumerable<string> Closure(string root)
    {
        var folder = folders.First(f => f.Folder == Path.GetDirectoryName(root));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Path.GetFileNameWithoutExtension(root) };
        var queue = new Queue<string>([root]);
        while (queue.Count > 0)
        {
            var file = queue.Dequeue();
            yield return file;
            foreach (var name in ReferencedNames(file))
            {
                if (!seen.Add(name) || (trustedPlatform.TryGetValue(name, out var platform) && IsFramework(platform))) continue;
                if (FindIn(folder, new AssemblyName(name)) is { } dependency) queue.Enqueue(dependency);
            }
        }
    }

    /// <summary>Reuses an assembly already in the process (or the framework's copy); loads the file otherwise.</summary>
    Assembly? Load(string file)
    {
        var name = AssemblyName.GetAssemblyName(file);
        var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase))
            ?? (trustedPlatform.ContainsKey(name.Name!) ? AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name.Name!)) : null);
        if (loaded is null) return AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
        if (loaded.GetName().Version < name.Version)
            warn($"{name.Name} {loaded.GetName().Version} is already loaded (from {loaded.Location}); {file} ({name.Version}) is not used.");
        return loaded;
    }

    Assembly? ResolveManaged(AssemblyName name)
    {
        foreach (var folder in folders)
            if (FindIn(folder, name) is { } path) return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        return null;
    }

    IntPtr ResolveNative(Assembly requesting, string name)
    {
        string? requestingFolder = string.IsNullOrEmpty(requesting.Location) ? null : Path.GetDirectoryName(requesting.Location);
        foreach (var folder in folders.OrderByDescending(f => f.Folder == requestingFolder))
        {
            var path = folder.Resolver?.ResolveUnmanagedDllToPath(name) ?? NativeCandidates(folder.Folder, name).FirstOrDefault(File.Exists);
            if (path is not null && NativeLibrary.TryLoad(path, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    static string? FindIn(ProbeFolder folder, AssemblyName name)
    {
        var path = folder.Resolver?.ResolveAssemblyToPath(name) ?? Path.Combine(folder.Folder, name.Name + ".dll");
        return File.Exists(path) ? path : null;
    }

    public static IEnumerable<string> NativeCandidates(string folder, string name)
    {
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string ext = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        var files = new[] { name, name + ext, "lib" + name + ext }.Distinct().ToList();
        foreach (var dir in new[] { folder, Path.Combine(folder, "runtimes", $"{os}-{arch}", "native") })
            foreach (var file in files)
                yield return Path.Combine(dir, file);
    }

    static bool IsFramework(string path) => Path.GetDirectoryName(path) == frameworkFolder;

    static IEnumerable<string> ReferencedNames(string file)
    {
        using var pe = new PEReader(File.OpenRead(file));
        var md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
    }

    static bool IsManaged(string file)
    {
        try
        {
            using var pe = new PEReader(File.OpenRead(file));
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    static Dictionary<string, string> TrustedPlatformAssemblies() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .GroupBy(Path.GetFileNameWithoutExtension, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key!, g => g.First(), StringComparer.OrdinalIgnoreCase);
}

/// <summary>A #r, #i, #load or magic line cannot be carried out; the message says why.</summary>
public sealed class DirectiveException(string message) : Exception(message);
