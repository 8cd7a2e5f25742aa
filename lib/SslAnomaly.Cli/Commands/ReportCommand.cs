using System.CommandLine;
using SslAnomaly.Experiments;
using SslAnomaly.Reporting;

namespace SslAnomaly.Cli.Commands;

/// <summary>`ssl-anomaly report`: Table 1 and the paper's figures from finished runs.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var runs = CliOptions.Required("--runs", "folder searched recursively for run folders with result.json");
        var outDir = CliOptions.Required("--out", "report folder");
        var noPng = NoPngOption();
        var command = new Command("report", "Write Table 1, the imbalance heatmaps, monitor curves and the RankMe scatter (offline HTML, PNG copies).") { runs, outDir, noPng };
        command.SetAction(p =>
        {
            var index = Write(p.GetValue(runs)!, p.GetValue(outDir)!, png: !p.GetValue(noPng));
            Console.WriteLine($"report written: {index}");
            return 0;
        });
        return command;
    }

    public static Option<bool> NoPngOption() => new("--no-png") { Description = "skip the PNG copies of the figures (rendered with headless chromium where installed)" };

    /// <summary>Writes the report; with <paramref name="png"/>, PNG copies of the figures where a browser is installed (else says why not).</summary>
    public static string Write(string runsDir, string outDir, bool png)
    {
        // The label-free section first, so the index can link it; runs without its inputs cost the section, not the report.
        try
        {
            Console.WriteLine($"label-free section: {Analysis.LabelFreeReport.Write(runsDir, outDir)}");
        }
        catch (UserInputException e)
        {
            Console.Error.WriteLine($"warning: label-free section skipped: {e.Message}");
        }
        var index = new ReportWriter(outDir).Write(RunResult.ReadAll(runsDir));
        if (png)
        {
            // The HTML report is complete at this point; a browser that fails costs the PNG copies, not the report.
            try
            {
                var images = FigureImages.Render(outDir);
                Console.WriteLine(images.SkippedBecause is { } why
                    ? $"PNG copies of the figures skipped: {why}"
                    : $"{images.Written.Count} PNG copies of the figures in {Path.Combine(outDir, "figures")}");
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
            {
                Console.Error.WriteLine($"warning: PNG copies of the figures failed ({e.Message}); the HTML report is complete. Use --no-png to skip them.");
            }
        }
        return index;
    }
}
