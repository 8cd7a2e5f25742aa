using System.CommandLine;
using System.Text.Json;
using SslAnomaly.Analysis;
using SslAnomaly.Eval;

namespace SslAnomaly.Cli.Commands;

/// <summary>
/// `ssl-anomaly analyze --runs DIR --out DIR [--json]`: which label-free metric predicts probe F1, the F1 regret of
/// choosing a model by it, and the probe under an unknown field defect share (docs/label-free.md). The work is
/// <see cref="LabelFreeAnalysis"/>; this prints and exits.
/// </summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var runs = CliOptions.Required("--runs", "folder searched recursively for finished run folders (result.json, metrics.csv)");
        var outDir = CliOptions.Required("--out", "folder for the tables (CSV, markdown), analysis.json and figures/");
        var json = new Option<bool>("--json") { Description = "print analysis.json's content instead of the ranking table" };
        var bootstrap = new Option<int>("--bootstrap") { Description = "bootstrap replicates of each correlation interval", DefaultValueFactory = _ => 1000 };
        var command = new Command("analyze", "Rank label-free metrics by how well they predict probe F1, measure label-free model selection, and evaluate prior-shift adjustment.")
        {
            runs, outDir, json, bootstrap,
        };
        command.SetAction(p => Run(p.GetValue(runs)!, p.GetValue(outDir)!, p.GetValue(json), p.GetValue(bootstrap), Console.Out));
        return command;
    }

    public static int Run(string runsDir, string outDir, bool asJson, int replicates, TextWriter output)
    {
        if (replicates < 1) throw new UserInputException($"--bootstrap must be at least 1, not {replicates}.");
        var result = LabelFreeAnalysis.Run(runsDir, new BootstrapOptions(replicates));
        var files = LabelFreeAnalysis.Write(result, outDir);
        if (asJson)
        {
            output.WriteLine(LabelFreeAnalysis.ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        output.Write(File.ReadAllText(Path.Combine(outDir, "ranking.md")));
        output.Write(File.ReadAllText(Path.Combine(outDir, "regret.md")));
        output.Write(File.ReadAllText(Path.Combine(outDir, "prior-shift.md")));
        output.WriteLine($"{files.Count} files written to {Path.GetFullPath(outDir)}");
        return 0;
    }
}
