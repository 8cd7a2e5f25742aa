using System.CommandLine;
using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Reporting;

namespace SslAnomaly.Cli.Commands;

/// <summary>
/// `ssl-anomaly compare --a RUN... --b RUN...`: whether two sets of runs that differ in one thing score differently on the
/// same images, two-sided, at the level of the intervals it prints.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var a = new Option<string[]>("--a") { Description = "side A: finished run folders (several: one per seed, paired in order with --b)", Required = true, AllowMultipleArgumentsPerToken = true };
        var b = new Option<string[]>("--b") { Description = "side B: as many finished run folders, each the partner of the --a run in its place", Required = true, AllowMultipleArgumentsPerToken = true };
        var split = new Option<string>("--split") { Description = "split the runs were scored on: test or val", DefaultValueFactory = _ => "test" };
        var subset = new Option<string>("--subset") { Description = "subset of that split: natural, or a share of the validation grid (1, 2, 5, 15, 45)", DefaultValueFactory = _ => ImbalanceGrid.NaturalKey };
        var metrics = new Option<string>("--metrics") { Description = "comma-separated metrics", DefaultValueFactory = _ => "f1,auprc,auroc" };
        var replicates = new Option<int>("--replicates") { Description = "bootstrap replicates", DefaultValueFactory = _ => BootstrapOptions.Default.Replicates };
        var command = new Command("compare", "Compare two sets of runs that differ in one thing (precision, machine, code) on the same images: each metric's " +
                                             "difference B - A with its 95 % interval, two-sided p and verdict (one pair: over the images; several pairs: over seeds and images)")
        {
            a, b, split, subset, metrics, replicates,
        };
        command.SetAction(p =>
        {
            if (p.GetValue(replicates) < 1) throw new UserInputException($"--replicates {p.GetValue(replicates)} must be at least 1.");
            var lines = RunComparison.Compare(p.GetValue(a)!, p.GetValue(b)!, SewerMlSplits.Parse(p.GetValue(split)!), p.GetValue(subset)!,
                p.GetValue(metrics)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                BootstrapOptions.Default with { Replicates = p.GetValue(replicates) });
            int seeds = lines.Count > 0 ? lines[0].Seeds : 0;
            Console.WriteLine($"B against A on {p.GetValue(split)} subset {p.GetValue(subset)}, {seeds} pair(s) of runs: " +
                              (seeds == 1 ? "intervals over the images (one training run a side: they say whether these runs differ, not the change)" : "intervals over seeds, then images"));
            foreach (var line in lines) Console.WriteLine(line.Describe());
            return 0;
        });
        return command;
    }
}
