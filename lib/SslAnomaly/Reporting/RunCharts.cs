using System.Globalization;
using System.Text.Json.Nodes;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>
/// One run's training from its metrics.csv: the loss per step, and the per-epoch monitors (RankMe, mean and standard
/// deviation of backbone features and projector embeddings on a fixed sample). Notebook 02 shows them.
/// </summary>
public static class RunCharts
{
    /// <summary>The training loss at every step, with a moving average over about a tenth of the run.</summary>
    public static PlotlyFigure Loss(RunResult run)
    {
        var points = Curve(run, "train/loss");
        int window = points.Count / 10;
        var lines = new List<JsonObject>
        {
            PlotlyTraces.Line(points.Select(p => p.Step), points.Select(p => p.Value), "loss", markers: points.Count < 60, opacity: window > 1 ? 0.45 : 1.0),
        };
        if (window > 1)
        {
            var smooth = points.Select((p, i) => points.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(window, i + 1)).Average(q => q.Value)).ToList();
            lines.Add(PlotlyTraces.Line(points.Select(p => p.Step), smooth, $"moving average ({window} steps)"));
        }
        return PlotlyFigure.Of(lines)
            .WithTitle($"{Name(run)}: training loss")
            .WithAxisTitles("step", $"{run.Method} loss")
            .WithSize(760, 380);
    }

    /// <summary>RankMe of backbone features and of projector embeddings at the end of each epoch.</summary>
    public static PlotlyFigure RankMe(RunResult run) =>
        PerEpoch(run, ["rankme/backbone", "rankme/projector"], $"{Name(run)}: RankMe per epoch (effective rank of the embeddings)", "RankMe");

    /// <summary>Mean and standard deviation over the monitoring sample's features, per epoch.</summary>
    public static PlotlyFigure FeatureStatistics(RunResult run) =>
        PerEpoch(run, ["features/backbone_mean", "features/backbone_std", "features/projector_mean", "features/projector_std"],
            $"{Name(run)}: feature statistics per epoch", "value");

    static PlotlyFigure PerEpoch(RunResult run, IReadOnlyList<string> names, string title, string yTitle)
    {
        var curves = run.Curves();
        var lines = names.Where(curves.ContainsKey).Select(n => PlotlyTraces.Line(
            Figures.Epochs(curves[n].Count), curves[n].Select(p => p.Value), n, markers: true)).ToList();
        if (lines.Count == 0) lines.Add(PlotlyTraces.Line(Array.Empty<string>(), [], "no data"));
        return PlotlyFigure.Of(lines).WithTitle(title)
            .WithAxisTitles("epoch", yTitle)
            .WithSize(760, 380);
    }

    static IReadOnlyList<(long Step, double Value)> Curve(RunResult run, string name) =>
        run.Curves().TryGetValue(name, out var points) ? points : [];

    /// <summary>"simclr · resnet18 · 5 % defects".</summary>
    public static string Name(RunResult run) =>
        $"{run.Method} · {run.Backbone} · {run.TrainDefectPct.ToString("0.##", CultureInfo.InvariantCulture)} % defects";
}
