using System.CommandLine;
using SslAnomaly.Reporting;

namespace SslAnomaly.Cli.Commands;

/// <summary>`ssl-anomaly report`: Table 1 and the paper's figures from finished runs.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Option<string>("--runs") { Description = "folder searched recursively for run folders with result.json", Required = true };
        var outDir = new Option<string>("--out") { Description = "report folder", Required = true };
        var command = new Command("report", "Write Table 1, the imbalance heatmaps, monitor curves and the RankMe scatter (offline HTML).") { runs, outDir };
        command.SetAction(p =>
        {
            var index = Write(p.GetValue(runs)!, p.GetValue(outDir)!);
            Console.WriteLine($"report written: {index}");
            return 0;
        });
        return command;
    }

    public static string Write(string runsDir, string outDir) => new ReportWriter(outDir).Write(RunSummary.ReadAll(runsDir));
}
