using System.Diagnostics;

namespace NotebookRunner.Kernel;

/// <summary>
/// Runs a notebook in the real .NET Interactive kernel through dotnet-repl (pinned in the repository's tool manifest,
/// .config/dotnet-tools.json): the engine VS Code's Polyglot extension uses, so what passes here passes for a reader.
/// </summary>
public static class DotnetRepl
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    /// <summary>
    /// <c>dotnet tool run dotnet-repl --run NOTEBOOK --output-path OUT --exit-after-run</c>, started in the notebook's
    /// folder (relative #r paths and the tool manifest are found from there), with the caller's environment.
    /// </summary>
    public static Result Run(string notebookPath, string outputPath, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(notebookPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "tool", "run", "dotnet-repl", "--", "--run", notebookPath, "--output-path", outputPath, "--exit-after-run" })
            info.ArgumentList.Add(arg);
        // dotnet-repl draws with Spectre.Console; a plain, narrow-free console keeps its log readable in CI.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start 'dotnet'");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Result(124, $"dotnet-repl ran past {timeout.TotalSeconds:F0} s and was stopped.\n{stdout.Result}{stderr.Result}", clock.Elapsed);
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed);
    }
}
