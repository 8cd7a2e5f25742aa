using SslAnomaly.Util;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using static SslAnomaly.Tests.Support.NotebookRunnerProcess;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>
/// One output root for every notebook of a test run (SSL_ANOMALY_NOTEBOOK_OUT): the notebooks share runs as they do
/// for a reader (02 trains one experiment of the sweep, 03 runs the rest, 04 and 06 reuse it), and each test run
/// starts from nothing, so CI measures the training, not a cache.
/// </summary>
public sealed class NotebookOutputFixture : IDisposable
{
    public TempDir Root { get; } = new();
    public void Dispose() => Root.Dispose();
}

/// <summary>
/// Every notebook in notebooks/ executes headless in the real .NET Interactive kernel (dotnet-repl, through
/// NotebookRunner) in the smoke profile into a valid notebook with no error output, and its figures render in headless
/// Chromium. The notebooks load the Release build of
/// SslAnomaly.Notebooks (the path their #r names), so this test builds it first. Every notebook runs what it needs
/// or reuses what an earlier one finished, so the order of the cases changes nothing but which notebook trains the
/// shared runs.
/// </summary>
[Collection(SslAnomaly.Tests.Support.EndToEnd.Name)]
public class WorkbookNotebookTests(ITestOutputHelper output, NotebookOutputFixture shared) : IClassFixture<NotebookOutputFixture>
{
    static readonly Lazy<string> releaseBuild = new(BuildRelease);

    // Only the .ipynb: the .dib twins hold the same cells (DibTwinTests), and the kernel reads .dib (NotebookRunnerTests'
    // sample), so running them again would double the time for nothing new.
    [Theory]
    [MemberData(nameof(RepositoryRoot.Notebooks), MemberType = typeof(RepositoryRoot))]
    public void Notebook_runs_in_smoke_mode_and_its_figures_render(string name)
    {
        output.WriteLine(releaseBuild.Value);
        using var dir = new TempDir();
        var run = Run(Path.Combine(RepositoryRoot.Path, "notebooks", name), dir.File("out.ipynb"), dir.File("out.html"),
            new Dictionary<string, string> { ["SSL_ANOMALY_PROFILE"] = "smoke", ["SSL_ANOMALY_NOTEBOOK_OUT"] = shared.Root.Path }, timeoutSeconds: 600);
        output.WriteLine($"{name}: {run.Elapsed.TotalSeconds:F1} s\n{run.Stderr}");
        Assert.True(run.ExitCode == 0, run.All);
        var errors = Schema.Validate(run.Notebook!.Value);
        Assert.True(errors.Count == 0, "not valid nbformat 4.5:\n" + JsonSchemaValidator.Describe(errors));
        Assert.DoesNotContain(Outputs(run.Notebook!.Value), o => o.Output.GetProperty("output_type").GetString() == "error");

        int figures = Outputs(run.Notebook!.Value).Count(o =>
            o.Output.TryGetProperty("data", out var data) && data.TryGetProperty("text/html", out var html) && Text(html).Contains("class=\"ssl-plotly\"", StringComparison.Ordinal));
        Assert.True(figures > 0, $"{name} shows no figure");
        var dom = BrowserPage.DumpDom(dir.File("out.html"));
        var scriptErrors = BrowserPage.ScriptErrors(dom);
        Assert.True(scriptErrors.Count == 0, $"{name}: script errors:\n{string.Join("\n", scriptErrors)}");
        Assert.Equal(figures, Regex.Matches(dom, "class=\"ssl-plotly js-plotly-plot\"").Count);
    }

    /// <summary>dotnet build -c Release lib/SslAnomaly.Notebooks (a no-op when it is up to date).</summary>
    static string BuildRelease()
    {
        var info = ChildProcess.Info("dotnet", ["build", "-c", "Release", "lib/SslAnomaly.Notebooks", "--nologo", "--disable-build-servers", "-v", "q"]);
        info.WorkingDirectory = RepositoryRoot.Path;
        var clock = Stopwatch.StartNew();
        var built = ChildProcess.Run(info, 600, "dotnet build -c Release lib/SslAnomaly.Notebooks");
        if (built.ExitCode != 0) throw new InvalidOperationException($"dotnet build -c Release lib/SslAnomaly.Notebooks failed:\n{built.Stdout}\n{built.Stderr}");
        return $"Release build of SslAnomaly.Notebooks ready in {clock.Elapsed.TotalSeconds:F1} s";
    }
}
