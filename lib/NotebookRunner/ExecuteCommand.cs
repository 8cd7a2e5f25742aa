using NotebookRunner.Documents;
using NotebookRunner.Execution;
using NotebookRunner.Export;
using NotebookRunner.Hosting;

namespace NotebookRunner;

/// <summary>
/// The runner's one command: read the notebook, run it with the notebook's folder as working directory
/// (as the kernel does), write the executed .ipynb (and HTML) even when a cell failed, and exit
/// 0 (all cells ran), 1 (a cell failed: its number and error on stderr) or 2 (the input could not be read).
/// </summary>
public static class ExecuteCommand
{
    public const string ProfileVariable = "SSL_ANOMALY_PROFILE";

    public static async Task<int> RunAsync(string notebookPath, string outPath, string? htmlPath, string? profile)
    {
        var log = Console.Error;
        notebookPath = Path.GetFullPath(notebookPath);
        outPath = Path.GetFullPath(outPath);
        htmlPath = htmlPath is null ? null : Path.GetFullPath(htmlPath);
        Notebook notebook;
        try
        {
            if (!File.Exists(notebookPath)) throw new NotebookFormatException($"{notebookPath} does not exist.");
            notebook = Notebook.Load(notebookPath);
        }
        catch (NotebookFormatException e)
        {
            log.WriteLine($"NotebookRunner: {e.Message}");
            return 2;
        }
        if (profile is not null) Environment.SetEnvironmentVariable(ProfileVariable, profile);
        log.WriteLine($"NotebookRunner: {notebookPath} ({notebook.Cells.Count} cells, {ProfileVariable}={Environment.GetEnvironmentVariable(ProfileVariable) ?? "(unset)"})");

        var (originalOut, originalError, originalDirectory) = (Console.Out, Console.Error, Environment.CurrentDirectory);
        ExecutionResult result;
        try
        {
            Environment.CurrentDirectory = Path.GetDirectoryName(notebookPath)!;
            Console.SetOut(new CellConsoleWriter("stdout", originalOut));
            Console.SetError(new CellConsoleWriter("stderr", originalError));
            result = await new NotebookExecutor(notebookPath, originalError).RunAsync(notebook);
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            Environment.CurrentDirectory = originalDirectory;
        }

        WriteAtomically(outPath, IpynbWriter.Write(notebook));
        if (htmlPath is not null)
            WriteAtomically(htmlPath, HtmlPage.Render(notebook, HtmlPage.TitleOf(notebook, Path.GetFileNameWithoutExtension(notebookPath))));
        if (!result.Succeeded)
        {
            log.WriteLine($"NotebookRunner: cell {result.FailedCell} failed: {result.Error}");
            log.WriteLine($"NotebookRunner: wrote {outPath} with the outputs up to the failure.");
            return 1;
        }
        log.WriteLine($"NotebookRunner: all cells ran in {result.Elapsed.TotalSeconds:F1} s; wrote {outPath}{(htmlPath is null ? "" : $" and {htmlPath}")}");
        return 0;
    }

    /// <summary>Temp file then rename, so a reader never sees half a notebook.</summary>
    static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
