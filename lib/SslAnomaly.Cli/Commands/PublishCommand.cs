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
        var runs = CliOptions.Required("--runs", "a sweep folder (or any folder) searched recursively for run folders");
        var outDir = CliOptions.Required("--out", "the study folder to write or update, e.g. results/standard");
        var grids = new Option<string?>("--notebook-grids")
        {
            Description = "the notebooks' own runs folder (NotebookRunner outputs --runs-out): its finished ablation and selection-grid runs " +
                          "are published under notebook-grids/, so notebooks shown against the study train nothing",
        };
        var command = new Command("publish",
            "Copy the finished runs' results (config, result.json, metrics.csv, predictions, labels, manifests; no checkpoints or caches) into a study folder " +
            "with study.json, for committing; publishing again updates what changed")
        {
            runs, outDir, grids,
        };
        command.SetAction(p =>
        {
            StudyPublisher.Publish(p.GetValue(runs)!, p.GetValue(outDir)!, Console.Out, p.GetValue(grids));
            return 0;
        });
        return command;
    }
}
