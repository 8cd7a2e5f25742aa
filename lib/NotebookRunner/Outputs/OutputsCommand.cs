using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookRunner.Kernel;
using SslAnomaly.Experiments;

namespace NotebookRunner.Outputs;

/// <summary>
/// `NotebookRunner outputs`: executes each notebook in the real kernel against a published study (no profile asked for,
/// so the notebooks show the study) and writes its outputs, with a PNG copy after every figure and plotly.js linked rather
/// than inlined (<see cref="NotebookOutputs.LinkPlotlyJs"/>), into the .ipynb itself;
/// `--check` writes nothing and exits 1 when the committed outputs differ from what the current code produces, naming the
/// cells. Exit 2 when a notebook or the study cannot be read, 1 when a cell fails (nothing is written then).
/// </summary>
public static class OutputsCommand
{
    /// <summary>Where the notebooks keep the runs of the grids a study lacks (their own output root).</summary>
    public const string OutputVariable = "SSL_ANOMALY_NOTEBOOK_OUT";

    public sealed record Options(IReadOnlyList<string> Notebooks, string Study, string RunsOut, bool Check, bool Png, int TimeoutSeconds);

    public static int Run(Options options, TextWriter log)
    {
        var study = Path.GetFullPath(options.Study);
        if (!File.Exists(Path.Combine(study, "study.json")))
        {
            log.WriteLine($"NotebookRunner outputs: {study} holds no study.json: publish one first (ssl-anomaly publish --runs SWEEP --out {options.Study}).");
            return 2;
        }
        var notebooks = options.Notebooks.Select(Path.GetFullPath).ToList();
        var missing = notebooks.Where(n => !File.Exists(n)).ToList();
        if (notebooks.Count == 0 || missing.Count > 0)
        {
            log.WriteLine(notebooks.Count == 0 ? "NotebookRunner outputs: no notebook given or found." : $"NotebookRunner outputs: {string.Join(", ", missing)} does not exist.");
            return 2;
        }
        string? repositoryRoot = RepositoryRoot(notebooks[0]);

        // The notebooks decide what they show from the environment: no profile (so the study), this study, and a runs
        // folder of their own whose imbalance sweep is empty (so no local runs win over the study). The grids the study
        // lacks run there at the quick profile and are reused by the next call.
        Environment.SetEnvironmentVariable("SSL_ANOMALY_PROFILE", null);
        Environment.SetEnvironmentVariable("SSL_ANOMALY_DATA_ROOT", null);
        Environment.SetEnvironmentVariable(PublishedStudy.EnvironmentVariable, study);
        Environment.SetEnvironmentVariable(OutputVariable, Path.GetFullPath(options.RunsOut));
        log.WriteLine($"NotebookRunner outputs: {notebooks.Count} notebook(s) against {study}; grids the study lacks run under {Path.GetFullPath(options.RunsOut)}");

        // The check compares each figure's data, never its PNG bytes, so it stands a placeholder in for each PNG copy and
        // needs no browser.
        FigurePng? png = null;
        if (options.Png && !options.Check)
        {
            png = FigurePng.TryCreate(out var whyNot);
            if (png is null)
            {
                log.WriteLine($"NotebookRunner outputs: {whyNot}; PNG copies of the figures need it (or pass --no-png).");
                return 2;
            }
        }
        int failed = 0, differing = 0;
        try
        {
            foreach (var path in notebooks)
            {
                var name = Path.GetFileName(path);
                var source = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidOperationException($"{path} is not a notebook");
                var produced = Execute(path, source, options.TimeoutSeconds, log, out var error);
                if (produced is null)
                {
                    log.WriteLine($"  {name}: {error}");
                    failed++;
                    continue;
                }
                int figures = options.Check ? NotebookOutputs.AddFigurePngs(produced, _ => [])
                    : png is null ? 0 : NotebookOutputs.AddFigurePngs(produced, png.Render);
                if (options.Check)
                {
                    var differences = OutputComparison.Compare(source, produced, repositoryRoot);
                    if (differences.Count == 0) log.WriteLine($"  {name}: committed outputs match");
                    else
                    {
                        differing++;
                        log.WriteLine($"  {name}: {differences.Count} cell(s) differ from the committed outputs");
                        foreach (var d in differences) log.WriteLine($"    {d.Describe()}");
                    }
                    continue;
                }
                NotebookOutputs.LinkPlotlyJs(produced);
                var temp = $"{path}.{Environment.ProcessId}.tmp";
                File.WriteAllText(temp, NotebookOutputs.Write(produced));
                File.Move(temp, path, overwrite: true);
                log.WriteLine($"  {name}: outputs written ({figures} figure(s) with a PNG copy, {new FileInfo(path).Length / 1e6:0.0} MB)");
            }
        }
        finally
        {
            png?.Dispose();
        }
        if (failed > 0) log.WriteLine($"NotebookRunner outputs: {failed} notebook(s) failed; their files were left as they were.");
        if (differing > 0) log.WriteLine($"NotebookRunner outputs: {differing} notebook(s) differ from their committed outputs: run `NotebookRunner outputs` (without --check) and commit them.");
        return failed > 0 || differing > 0 ? 1 : 0;
    }

    /// <summary>The source with the outputs the kernel produced, or null (and why) when a cell failed or the kernel did.</summary>
    static JsonObject? Execute(string path, JsonObject source, int timeoutSeconds, TextWriter log, out string? error)
    {
        // The kernel executes the notebook as it is: committed outputs would only be carried along.
        var input = $"{path}.{Environment.ProcessId}.input.ipynb";
        var output = $"{path}.{Environment.ProcessId}.executed.ipynb";
        try
        {
            File.WriteAllText(input, NotebookOutputs.Write(NotebookOutputs.Cleared(source)));
            log.WriteLine($"  {Path.GetFileName(path)}: running in the .NET Interactive kernel");
            var kernel = DotnetRepl.Run(input, output, TimeSpan.FromSeconds(timeoutSeconds));
            if (!File.Exists(output))
            {
                error = $"dotnet-repl wrote no notebook (exit {kernel.ExitCode}): {kernel.Output.Trim()}";
                return null;
            }
            var executed = JsonNode.Parse(File.ReadAllText(output)) as JsonObject ?? throw new InvalidOperationException($"dotnet-repl wrote something that is not a notebook: {output}");
            var merged = NotebookOutputs.Merge(source, executed, Path.GetFileName(path));
            var failedCell = NotebookOutputs.Cells(merged, path).Select((c, i) => (Cell: i + 1, Error: (c["outputs"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(o => o["output_type"]?.GetValue<string>() == "error")))
                .FirstOrDefault(c => c.Error is not null);
            if (failedCell.Error is not null || kernel.ExitCode != 0)
            {
                error = failedCell.Error is null ? $"dotnet-repl exited {kernel.ExitCode}: {kernel.Output.Trim()}"
                    : $"cell {failedCell.Cell} failed: {failedCell.Error["evalue"]?.GetValue<string>()?.Split('\n')[0]}";
                return null;
            }
            error = null;
            return merged;
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    /// <summary>The repository the notebook lives in (the folder with NotebookSupport.sln above it), or null.</summary>
    public static string? RepositoryRoot(string notebook)
    {
        for (var dir = new FileInfo(notebook).Directory; dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotebookSupport.sln"))) return dir.FullName;
        return null;
    }
}
