using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookRunner.Documents;
using NotebookRunner.Export;
using NotebookRunner.Kernel;

namespace NotebookRunner;

/// <summary>
/// The runner's main command: execute the notebook in the real .NET Interactive kernel (dotnet-repl), write the
/// executed .ipynb with the source's cell ids (and, on request, an offline HTML page), and exit 0 (every cell ran),
/// 1 (a cell failed: the first failing cell's number and error on stderr; the notebook is still written) or 2 (the input
/// cannot be read). Like dotnet-repl, the kernel runs the cells after a failing one too; their outputs are in the notebook.
/// </summary>
public static class ExecuteCommand
{
    public const string ProfileVariable = "SSL_ANOMALY_PROFILE";

    public static int Run(string notebookPath, string outPath, string? htmlPath, string? profile, int timeoutSeconds)
    {
        var log = Console.Error;
        notebookPath = Path.GetFullPath(notebookPath);
        outPath = Path.GetFullPath(outPath);
        htmlPath = htmlPath is null ? null : Path.GetFullPath(htmlPath);
        Notebook source;
        try
        {
            if (!File.Exists(notebookPath)) throw new NotebookFormatException($"{notebookPath} does not exist.");
            source = Notebook.Load(notebookPath);
        }
        catch (NotebookFormatException e)
        {
            log.WriteLine($"NotebookRunner: {e.Message}");
            return 2;
        }
        if (profile is not null) Environment.SetEnvironmentVariable(ProfileVariable, profile);
        log.WriteLine($"NotebookRunner: {notebookPath} ({source.Cells.Count} cells, {ProfileVariable}={Environment.GetEnvironmentVariable(ProfileVariable) ?? "(unset)"}) in the .NET Interactive kernel");

        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        var temp = $"{outPath}.{Environment.ProcessId}.tmp.ipynb";
        try
        {
            var kernel = DotnetRepl.Run(notebookPath, temp, TimeSpan.FromSeconds(timeoutSeconds));
            if (!File.Exists(temp))
            {
                log.WriteLine($"NotebookRunner: dotnet-repl wrote no notebook (exit {kernel.ExitCode}):\n{kernel.Output}");
                return 1;
            }
            var executed = JsonNode.Parse(File.ReadAllText(temp)) as JsonObject
                ?? throw new InvalidOperationException($"dotnet-repl wrote something that is not a notebook: {temp}");
            CellIds.Restore(executed, source.Cells.Select(c => c.Id).ToList());
            File.WriteAllText(temp, executed.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            File.Move(temp, outPath, overwrite: true);

            var notebook = IpynbReader.Read(File.ReadAllText(outPath), outPath);
            if (htmlPath is not null)
                WriteAtomically(htmlPath, HtmlPage.Render(notebook, HtmlPage.TitleOf(notebook, Path.GetFileNameWithoutExtension(notebookPath))));
            var failed = notebook.Cells.Select((c, i) => (Cell: i + 1, Error: c.Outputs.OfType<ErrorOutput>().FirstOrDefault()))
                .FirstOrDefault(c => c.Error is not null);
            if (failed.Error is not null || kernel.ExitCode != 0)
            {
                log.WriteLine(failed.Error is null
                    ? $"NotebookRunner: dotnet-repl exited {kernel.ExitCode}:\n{kernel.Output}"
                    : $"NotebookRunner: cell {failed.Cell} failed: {FirstLine(failed.Error.EValue)}");
                log.WriteLine($"NotebookRunner: wrote {outPath} with the outputs up to the failure.");
                return 1;
            }
            log.WriteLine($"NotebookRunner: all cells ran in {kernel.Elapsed.TotalSeconds:F1} s; wrote {outPath}{(htmlPath is null ? "" : $" and {htmlPath}")}");
            return 0;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The kernel's error value is the whole exception with its stack; its first line says what failed.</summary>
    static string FirstLine(string text) => text.Split('\n')[0].TrimEnd();

    /// <summary>Temp file then rename, so a reader never sees half a page.</summary>
    static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
