using System.CommandLine;
using System.Globalization;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;

namespace SslAnomaly.Cli.Commands;

/// <summary>`ssl-anomaly run`: pretrain one method, then probe it over the validation imbalance grid.</summary>
public static class RunCommand
{
    static readonly Option<string?> Method = new("--method") { Description = MethodRegistry.OptionHelp };
    static readonly Option<string?> Backbone = new("--backbone") { Description = "resnet18 | vit-tiny" };
    static readonly Option<double?> TrainPct = new("--train-defect-pct") { Description = "defect share of the training subset, in percent (0, 100)" };
    static readonly Option<string?> Profile = new("--profile") { Description = "smoke | quick | standard | paper (default quick)" };
    static readonly Option<string?> DataRoot = new("--data-root") { Description = "Sewer-ML root (CSV + images); omitted: the embedded dataset" };
    static readonly Option<string?> Config = new("--config") { Description = "JSON or YAML experiment config" };
    static readonly Option<string[]> Set = new("--set") { Description = "override one config key by its path, e.g. --set epochs=5, --set method.temperature=0.2, --set optimizer.learning_rate=0.5 (repeatable; method.* keys are the chosen method's own)" };
    static readonly Option<int?> Seed = new("--seed") { Description = "seed of the run (first seed with --seeds)" };
    static readonly Option<int?> Seeds = new("--seeds") { Description = "run N seeds (--seed .. --seed + N - 1) into OUT-s<seed> folders" };
    static readonly Option<string> Out = new("--out") { Description = "run folder (config.json, checkpoints, logs, result.json)", Required = true };
    static readonly Option<bool> Force = new("--force") { Description = "start over even if the run folder holds a completed or partial run" };
    static readonly Option<bool> SkipBadImages = new("--skip-bad-images") { Description = "leave missing or undecodable images out (counted in result.json) instead of failing" };

    public static Command Create()
    {
        var command = new Command("run", "Pretrain one method on a controlled-imbalance subset, then probe it over the validation grid.\n\nMethods:\n" + MethodRegistry.Overview)
        {
            Method, Backbone, TrainPct, Profile, DataRoot, Config, Set, Seed, Seeds, Out, Force, SkipBadImages,
        };
        // On a worker thread, so the invocation returns a running task at once: on SIGTERM System.CommandLine waits for that
        // task (the run checkpoints and returns) instead of answering with its forced exit while training goes on.
        command.SetAction((p, cancel) => Task.Run(() => Execute(p, cancel), CancellationToken.None));
        return command;
    }

    /// <summary>Runs one experiment in this process and prints how it ended (`run`, and `sweep task` with its entry's config).</summary>
    public static int RunOnce(ExperimentConfig config, string outDir, bool force, CancellationToken cancel)
    {
        var outcome = ExperimentRunner.Run(config, outDir, force, ConsoleRunProgress.Create(), cancel);
        Console.WriteLine(outcome.Message);
        return outcome.ExitCode;
    }

    static int Execute(ParseResult p, CancellationToken cancel)
    {
        var choices = new ExperimentChoices
        {
            Method = p.GetValue(Method), Backbone = p.GetValue(Backbone), TrainDefectPct = p.GetValue(TrainPct), Seed = p.GetValue(Seed),
            DataRoot = p.GetValue(DataRoot), SkipBadImages = p.GetValue(SkipBadImages) ? true : null,
        };
        var config = ExperimentConfigBuilder.Build(p.GetValue(Profile), p.GetValue(Config), choices, p.GetValue(Set) ?? []);
        if (p.GetValue(Seeds) is not { } seeds) return RunOnce(config, p.GetValue(Out)!, p.GetValue(Force), cancel);
        if (seeds < 1) throw new UserInputException($"--seeds {seeds} must be at least 1.");
        // One folder per seed, named like the sweep's runs, so the report averages them into mean ± sd.
        int exitCode = 0;
        for (int seed = config.Seed; seed < config.Seed + seeds && !cancel.IsCancellationRequested; seed++)
            exitCode = Math.Max(exitCode, RunOnce(config with { Seed = seed }, $"{p.GetValue(Out)!.TrimEnd('/')}-s{seed}", p.GetValue(Force), cancel));
        return exitCode;
    }

    internal static string Pct(double v) => v.ToString(CultureInfo.InvariantCulture);
}
