using System.CommandLine;
using SslAnomaly.Experiments;

namespace SslAnomaly.Cli.Commands;

/// <summary>
/// `ssl-anomaly publish --runs RUNS --out results/NAME`: the finished runs' small files and study.json, ready to commit
/// (<see cref="StudyPublisher"/>); unfinished runs are skipped and named, so it can run while a sweep is still going.
/// </summary>
public static class PublishCommand
{
    public static Command Create()
    {
        var runs = new Option<string>("--runs") { Description = "a sweep folder (or any folder) searched recursively for run folders", Required = true };
        var outDir = new Option<string>("--out") { Description = "the study folder to write or update, e.g. results/standard", Required = true };
        var command = new Command("publish",
            "Copy the finished runs' results (config, result.json, metrics.csv, predictions, labels, manifests; no checkpoints or caches) into a study folder " +
            "with study.json, for committing; publishing again updates what changed")
        {
            runs, outDir,
        };
        command.SetAction(p =>
        {
            StudyPublisher.Publish(p.GetValue(runs)!, p.GetValue(outDir)!, Console.Out);
            return 0;
        });
        return command;
    }
}
