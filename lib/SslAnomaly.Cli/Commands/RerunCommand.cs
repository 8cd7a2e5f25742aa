using System.CommandLine;
using SslAnomaly.Experiments;

namespace SslAnomaly.Cli.Commands;

/// <summary>
/// `ssl-anomaly rerun RUN`: runs a finished run again from its own config.json into a fresh folder and compares every
/// number, so a reader can check a committed result without trusting whoever committed it.
/// </summary>
public static class RerunCommand
{
    public const int ExitNotReplicated = 1;

    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "a finished run folder (config.json and result.json), e.g. one under results/" };
        var outDir = new Option<string?>("--out") { Description = "folder for the rerun (default: a new folder under the system's temp folder)" };
        var dataRoot = new Option<string?>("--data-root") { Description = "Sewer-ML root on this machine, for a run that used Sewer-ML (its config names the original machine's path)" };
        var command = new Command("rerun", "Run a finished run again from its config.json and compare its metrics: identical with the same code on the same kind of CPU, " +
                                           "within the committed intervals elsewhere (exit 1 when not)")
        {
            run, outDir, dataRoot,
        };
        command.SetAction((p, cancel) => Task.Run(() => Execute(p.GetValue(run)!, p.GetValue(outDir), p.GetValue(dataRoot), cancel), CancellationToken.None));
        return command;
    }

    static int Execute(string runDirectory, string? outDir, string? dataRoot, CancellationToken cancel)
    {
        var committed = RunResult.TryRead(runDirectory) ?? throw new UserInputException($"{runDirectory} holds no result.json: only a finished run can be rerun.");
        if (!committed.IsCompleted) throw new UserInputException($"{runDirectory} is a failed run ({committed.FailureReason}): there are no metrics to compare.");
        var config = RunReplication.ConfigOf(runDirectory);
        if (dataRoot is not null) config = config with { DataRoot = Path.GetFullPath(dataRoot) };
        else if (config.DataRoot is { } root && !Directory.Exists(root))
            throw new UserInputException($"the run used Sewer-ML at {root}, which this machine lacks: give --data-root");
        var target = Path.GetFullPath(outDir ?? Path.Combine(Path.GetTempPath(), $"ssl-anomaly-rerun-{Path.GetFileName(Path.GetFullPath(runDirectory).TrimEnd('/'))}-{Environment.ProcessId}"));
        // A sweep shares the cores out through OMP_NUM_THREADS, which the config does not record (a run's identity must not
        // depend on the machine it ran on); with another thread count the kernels sum in another order and the model moves.
        int? threads = config.Threads == 0 && committed.Numerics?.Threads is > 0 and var t ? t : null;
        if (threads is { } n)
        {
            SslAnomaly.Native.TorchRuntime.EnsureLoaded();
            TorchSharp.torch.set_num_threads(n);
        }
        Console.WriteLine($"rerunning {runDirectory} into {target}" + (threads is { } shown ? $" with {shown} libtorch thread(s), as it ran" : ""));
        int exit = RunCommand.RunOnce(config, target, force: false, cancel);
        if (exit != 0) return exit;
        var report = RunReplication.Compare(committed, RunResult.TryRead(target)!);
        Console.WriteLine(report.Summary);
        foreach (var line in RunReplication.Lines(report)) Console.WriteLine(line);
        return report.Replicated ? 0 : ExitNotReplicated;
    }
}
