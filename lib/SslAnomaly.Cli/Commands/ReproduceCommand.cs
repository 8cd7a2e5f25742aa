using System.CommandLine;
using System.Diagnostics;
using SslAnomaly.Experiments;

namespace SslAnomaly.Cli.Commands;

/// <summary>
/// `ssl-anomaly reproduce`: the main job. Renders the embedded dataset when no data root is given, runs the
/// paper's grid (missing experiments only), writes the report and says where to open it.
/// </summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "smoke, quick (default: the whole grid on 2 CPU cores within 30 min), standard (4x the pretraining, about 10 h on 2 cores; split it with --parallel or --slurm) or paper (Sewer-ML on a GPU)", DefaultValueFactory = _ => Profiles.Quick };
        profile.AcceptOnlyFromAmong([.. Profiles.Names]);
        var dataRoot = new Option<string?>("--data-root") { Description = "Sewer-ML root; omitted: the embedded dataset" };
        var methods = new Option<string?>("--methods") { Description = "comma-separated subset of the methods (default: all)" };
        var backbones = new Option<string?>("--backbones") { Description = "comma-separated subset of the backbones (default: both)" };
        var parallel = SweepCommand.ParallelOption();
        var outDir = CliOptions.Required("--out", "output folder (sweep/ and report/)");
        var noPng = ReportCommand.NoPngOption();
        var seeds = SweepCommand.SeedsOption();
        var headlineSeeds = SweepCommand.HeadlineSeedsOption();
        var command = new Command("reproduce", "Reproduce the paper's Table 1 and figures: data, the whole sweep, the report.")
        {
            profile, dataRoot, methods, backbones, parallel, outDir, noPng, seeds, headlineSeeds,
        };
        command.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            var dir = Path.GetFullPath(p.GetValue(outDir)!);
            var sweepDir = Path.Combine(dir, "sweep");
            Directory.CreateDirectory(sweepDir);
            string chosen = p.GetValue(profile)!;
            var plan = SweepPlan.Create(chosen == Profiles.Paper ? "paper" : "quick", chosen, Split(p.GetValue(methods)), Split(p.GetValue(backbones)),
                0, p.GetValue(dataRoot), null, null, p.GetValue(seeds), headlineSeeds: p.GetValue(headlineSeeds)).SaveOrVerify(sweepDir);
            var config = ExperimentConfigBuilder.Build(chosen, null, new ExperimentChoices { DataRoot = p.GetValue(dataRoot) });
            if (config.DataRoot is null) EmbeddedDataset.Ensure(config.Embedded, Console.Out); // once, before parallel runs start
            var summary = new SweepRunner(sweepDir, plan, Console.Out).Run(SweepCommand.ResolveParallel(p.GetValue(parallel)));
            var index = ReportCommand.Write(SweepPlan.RunsDirectory(sweepDir), Path.Combine(dir, "report"), png: !p.GetValue(noPng));
            Console.WriteLine($"{summary.Completed} completed, {summary.Failed} failed of {summary.Total} experiments in {clock.Elapsed:hh\\:mm\\:ss}");
            Console.WriteLine($"report: {index}");
            return summary.Completed + summary.Failed == summary.Total ? 0 : 1;
        });
        return command;
    }

    static string[]? Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
