using System.IO.Compression;
using System.Xml.Linq;

namespace NotebookRunner.Execution;

/// <summary>A package chosen for <c>#r "nuget: ..."</c>: its folder and the assemblies this runtime should load.</summary>
public sealed record ResolvedPackage(string Id, PackageVersion Version, string Folder, IReadOnlyList<string> Assemblies);

/// <summary>
/// Resolves <c>#r "nuget: Id, Version"</c> without a network: from the global packages folder
/// (NUGET_PACKAGES or ~/.nuget/packages) and from folders added with <c>#i "nuget: folder"</c> (extracted
/// packages, or .nupkg files flat or by id/version, which are extracted to a cache). Like NuGet, a
/// requested version is a minimum and the lowest version present that satisfies it wins; dependencies
/// come from the nuspec group for this runtime, and packages the shared framework provides are skipped.
/// </summary>
public sealed class LocalPackages
{
    readonly List<string> sources = [];
    readonly string extractRoot;
    readonly IReadOnlySet<string> frameworkAssemblies;
    /// <summary>Meta-packages of older targets (netstandard1.x) whose content the shared framework includes.</summary>
    static readonly HashSet<string> SupersededByFramework = new(StringComparer.OrdinalIgnoreCase)
        { "NETStandard.Library", "Microsoft.NETCore.Platforms", "Microsoft.NETCore.Targets" };

    public LocalPackages(IReadOnlySet<string> frameworkAssemblies, string? extractRoot = null)
    {
        this.frameworkAssemblies = frameworkAssemblies;
        this.extractRoot = extractRoot ?? DefaultExtractRoot();
        sources.Add(GlobalPackagesFolder());
    }

    public IReadOnlyList<string> Sources => sources;

    public static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void AddSource(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new DirectiveException($"#i: package source {full} does not exist.");
        if (!sources.Contains(full)) sources.Insert(0, full); // explicit sources first, as NuGet lists them
    }

    /// <summary>The package and its dependencies, dependencies first.</summary>
    public IReadOnlyList<ResolvedPackage> Resolve(string id, string? version)
    {
        var order = new List<ResolvedPackage>();
        var chosen = new Dictionary<string, ResolvedPackage>(StringComparer.OrdinalIgnoreCase);
        Visit(id, version, exact: false, topLevel: true, order, chosen, []);
        return order;
    }

    void Visit(string id, string? version, bool exact, bool topLevel, List<ResolvedPackage> order, Dictionary<string, ResolvedPackage> chosen, List<string> path)
    {
        if (chosen.ContainsKey(id)) return;
        if (!topLevel && (frameworkAssemblies.Contains(id) || SupersededByFramework.Contains(id))) return; // the shared framework already has it
        var available = Available(id);
        var minimum = version is null ? null : PackageVersion.TryParse(version) ?? throw new DirectiveException($"#r nuget: '{version}' is not a version (of {id}).");
        var pick = minimum is null
            ? available.Keys.OrderByDescending(v => !v.IsPrerelease).ThenByDescending(v => v).FirstOrDefault()
            : available.Keys.Where(v => exact ? v.CompareTo(minimum) == 0 : v.CompareTo(minimum) >= 0).Min();
        if (pick is null)
        {
            var via = path.Count > 0 ? $" (needed by {string.Join(" -> ", path)})" : "";
            var have = available.Count > 0 ? $"; versions present: {string.Join(", ", available.Keys.Order())}" : "";
            throw new DirectiveException(
                $"#r nuget: {id} {(exact ? "=" : ">=")} {version ?? "any"}{via} is not available offline{have}. Looked in: {string.Join(", ", sources)}. " +
                "Restore a project that uses it (it lands in ~/.nuget/packages) or add a folder with #i \"nuget: <folder>\".");
        }
        var folder = Materialize(id, pick, available[pick]);
        var nuspec = Directory.EnumerateFiles(folder, "*.nuspec").FirstOrDefault()
            ?? throw new DirectiveException($"#r nuget: {folder} has no .nuspec.");
        var package = new ResolvedPackage(id, pick, folder, Assemblies(folder));
        chosen[id] = package;
        foreach (var (depId, depVersion, depExact) in Dependencies(nuspec))
            Visit(depId, depVersion, depExact, topLevel: false, order, chosen, [.. path, $"{id} {pick}"]);
        order.Add(package);
    }

    /// <summary>Every version of <paramref name="id"/> in the sources: extracted folders or .nupkg files.</summary>
    Dictionary<PackageVersion, string> Available(string id)
    {
        var found = new Dictionary<PackageVersion, string>(new VersionEquality());
        foreach (var source in sources)
        {
            var byId = Path.Combine(source, id.ToLowerInvariant());
            if (Directory.Exists(byId))
                foreach (var dir in Directory.EnumerateDirectories(byId))
                    if (PackageVersion.TryParse(Path.GetFileName(dir)) is { } v && (Directory.EnumerateFiles(dir, "*.nuspec").Any() || Directory.EnumerateFiles(dir, "*.nupkg").Any()))
                        found.TryAdd(v, dir);
            foreach (var nupkg in Directory.EnumerateFiles(source, "*.nupkg"))
            {
                var name = Path.GetFileNameWithoutExtension(nupkg);
                if (name.StartsWith(id + ".", StringComparison.OrdinalIgnoreCase) && PackageVersion.TryParse(name[(id.Length + 1)..]) is { } v)
                    found.TryAdd(v, nupkg);
            }
        }
        return found;
    }

    /// <summary>An extracted package folder; a .nupkg is unzipped once into the runner's cache (temp folder + rename).</summary>
    string Materialize(string id, PackageVersion version, string location)
    {
        bool extracted = Directory.Exists(location) && Directory.EnumerateFiles(location, "*.nuspec").Any();
        if (extracted) return location;
        var nupkg = File.Exists(location) ? location : Directory.EnumerateFiles(location, "*.nupkg").First();
        var target = Path.Combine(extractRoot, id.ToLowerInvariant(), version.Text.ToLowerInvariant());
        if (Directory.Exists(target)) return target;
        var temp = target + $".{Environment.ProcessId}.tmp";
        ZipFile.ExtractToDirectory(nupkg, temp, overwriteFiles: true);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        try
        {
            Directory.Move(temp, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            Directory.Delete(temp, recursive: true); // another runner extracted it first
        }
        return target;
    }

    /// <summary>lib/&lt;best tfm&gt;/*.dll, preferring runtimes/&lt;rid&gt;/lib/&lt;tfm&gt; where the package has RID-specific code.</summary>
    static IReadOnlyList<string> Assemblies(string folder)
    {
        string rid = $"{(OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux")}-{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        foreach (var lib in new[] { Path.Combine(folder, "runtimes", rid, "lib"), Path.Combine(folder, "lib") })
        {
            if (!Directory.Exists(lib)) continue;
            var best = TargetFrameworks.Best(Directory.EnumerateDirectories(lib).Select(Path.GetFileName).OfType<string>());
            if (best is not null) return Directory.EnumerateFiles(Path.Combine(lib, best), "*.dll").Order(StringComparer.Ordinal).ToList();
            var loose = Directory.EnumerateFiles(lib, "*.dll").ToList(); // very old packages: lib/*.dll
            if (loose.Count > 0) return loose;
        }
        return [];
    }

    /// <summary>(id, version, exact) of the nuspec dependency group that suits this runtime.</summary>
    static IEnumerable<(string Id, string? Version, bool Exact)> Dependencies(string nuspec)
    {
        var doc = XDocument.Load(nuspec);
        var dependencies = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "dependencies");
        if (dependencies is null) return [];
        var groups = dependencies.Elements().Where(e => e.Name.LocalName == "group").ToList();
        IEnumerable<XElement> items;
        if (groups.Count == 0) items = dependencies.Elements().Where(e => e.Name.LocalName == "dependency");
        else
        {
            var best = TargetFrameworks.Best(groups.Select(g => (string?)g.Attribute("targetFramework") ?? ""));
            if (best is null) return [];
            items = groups.First(g => ((string?)g.Attribute("targetFramework") ?? "") == best).Elements().Where(e => e.Name.LocalName == "dependency");
        }
        return items.Select(d => ParseRange((string?)d.Attribute("id") ?? "", (string?)d.Attribute("version"))).Where(d => d.Id.Length > 0).ToList();
    }

    /// <summary>"1.2" (minimum), "[1.2]" (exact), "[1.2, 2.0)" (the lower bound is what resolution uses).</summary>
    static (string Id, string? Version, bool Exact) ParseRange(string id, string? range)
    {
        if (string.IsNullOrWhiteSpace(range)) return (id, null, false);
        var r = range.Trim();
        if (r.StartsWith('[') && r.EndsWith(']') && !r.Contains(',')) return (id, r[1..^1].Trim(), true);
        var lower = r.TrimStart('[', '(').Split(',')[0].Trim();
        return (id, lower.Length == 0 ? null : lower, false);
    }

    static string DefaultExtractRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "ssl-anomaly", "notebook-runner", "packages");
    }

    sealed class VersionEquality : IEqualityComparer<PackageVersion>
    {
        public bool Equals(PackageVersion? x, PackageVersion? y) => x is not null && y is not null && x.CompareTo(y) == 0;
        public int GetHashCode(PackageVersion v) => v.Text.Split('-')[0].TrimEnd('0', '.').GetHashCode(StringComparison.Ordinal);
    }
}
