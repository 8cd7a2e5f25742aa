using SslAnomaly.Tests.Support;
using Xunit;
using static SslAnomaly.Tests.Support.NotebookRunnerProcess;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>#r "nuget: ..." works offline: from the global packages folder (with its dependency chain) and from a #i folder of .nupkg files.</summary>
public class NotebookPackageReferenceTests
{
    static string GlobalPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    static string Dib(params string[] cells) =>
        string.Concat(cells.Select(c => $"#!csharp\n\n{c}\n\n"));

    [Fact]
    public void Packages_resolve_from_the_local_cache_and_from_a_folder_of_nupkg_files()
    {
        using var dir = new TempDir();
        // A flat feed holding one .nupkg that the global folder also has: the #i source is listed first, so it wins.
        var feed = Directory.CreateDirectory(dir.File("feed")).FullName;
        var nupkg = Path.Combine(GlobalPackages, "yamldotnet", "16.3.0", "yamldotnet.16.3.0.nupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} is missing: restore the solution first (lib/SslAnomaly uses YamlDotNet 16.3.0).");
        File.Copy(nupkg, Path.Combine(feed, "YamlDotNet.16.3.0.nupkg"));
        var cache = dir.File("cache");
        File.WriteAllText(dir.File("packages.dib"), Dib(
            """
            #i "nuget: feed"
            #r "nuget: YamlDotNet, 16.3.0"
            #r "nuget: Plotly.NET.CSharp, 0.14.0"
            var yaml = new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(new { answer = 42 });
            Console.WriteLine(yaml.Trim());
            Console.WriteLine(typeof(YamlDotNet.Serialization.Serializer).Assembly.Location);
            Console.WriteLine(typeof(Plotly.NET.GenericChart).Assembly.Location);
            Plotly.NET.CSharp.Chart.Point<int, int, string>(new[] { 1 }, new[] { 2 }).GetType().Name
            """));
        var run = Run(dir.File("packages.dib"), dir.File("packages.ipynb"), environment: new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache });
        Assert.True(run.ExitCode == 0, run.All);
        var lines = Text(run.Cells[0].GetProperty("outputs")[0].GetProperty("text")).Split('\n');
        Assert.Equal("answer: 42", lines[0]);
        // YamlDotNet came out of the .nupkg, extracted into the runner's cache; Plotly.NET (a dependency of
        // Plotly.NET.CSharp, with FSharp.Core and DynamicObj behind it) from the global packages folder.
        Assert.StartsWith(Path.Combine(cache, "ssl-anomaly", "notebook-runner", "packages", "yamldotnet", "16.3.0"), lines[1]);
        Assert.StartsWith(Path.Combine(GlobalPackages, "plotly.net", "6.0.0"), lines[2]);
        Assert.Contains("#r nuget: Plotly.NET 6.0.0", run.Stderr);
    }

    [Fact]
    public void A_package_that_is_not_available_offline_fails_the_cell_with_a_clear_message()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("missing.dib"), Dib("#r \"nuget: No.Such.Package.Anywhere, 1.0.0\""));
        var run = Run(dir.File("missing.dib"), dir.File("missing.ipynb"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cell 1 failed: DirectiveError: #r nuget: No.Such.Package.Anywhere >= 1.0.0 is not available offline", run.Stderr);
    }

    [Fact]
    public void A_reference_to_a_missing_dll_names_the_resolved_path()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("nodll.dib"), Dib("Console.WriteLine(1);", "#r \"../nowhere/Missing.dll\""));
        var run = Run(dir.File("nodll.dib"), dir.File("nodll.ipynb"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"cell 2 failed: DirectiveError: line 1: #r \"../nowhere/Missing.dll\": {Path.GetFullPath(Path.Combine(dir.Path, "..", "nowhere", "Missing.dll"))} does not exist", run.Stderr);
    }
}
