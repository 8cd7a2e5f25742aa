using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Eval;
using SslAnomaly.Methods;

namespace SslAnomaly.Reporting;

/// <summary>
/// The workbook's headline in one picture: probe F1 on the natural subset of the reported split against the defect share
/// the model was pretrained at, one line per method on ResNet-18, each point a Table 1 cell with its 95 % interval (over
/// images for one run, over training runs and images for several: <see cref="Table1Row.Low"/>). The random-init floor is a line
/// of its own, so a method is read against what an untrained backbone gives; the supervised ceiling is drawn apart
/// (black, dotted), so the gap to labels shows. Table 1 is the source, so the picture cannot disagree with the table.
/// </summary>
public static class HeadlineFigure
{
    public const string Name = "headline";

    /// <summary>The backbone the headline shows: the paper's main one, on which every method runs (MAE aside).</summary>
    public const string Backbone = BackboneConfig.ResNet18;

    const string FloorColour = "#7f7f7f", CeilingColour = "#000000";

    /// <summary>The F1 cells the figure draws: the backbone's measured cells of the registry's methods (the floor and the
    /// ceiling included), in Table 1's row order; the reference rows that see no image or reuse the ceiling's head are left out.</summary>
    public static IReadOnlyList<Table1Row> Cells(IReadOnlyList<Table1Row> table, string backbone = Backbone) =>
        table.Where(r => r.Metric == Metric.F1.Name && r.Backbone == backbone && r.Ours is not null && MethodRegistry.Find(r.Method) is not null).ToList();

    /// <param name="table">Table 1's rows on the reported split (<see cref="Table1.Build"/>).</param>
    /// <param name="split">"test" or "validation" (<see cref="Figures.SplitName"/>), for the axis.</param>
    public static PlotlyFigure Build(IReadOnlyList<Table1Row> table, string split, string backbone = Backbone)
    {
        var cells = Cells(table, backbone);
        var traces = new List<JsonObject>();
        foreach (var method in cells.Select(c => c.Method).Distinct())
        {
            var line = cells.Where(c => c.Method == method).OrderBy(c => c.TrainDefectPct).ToList();
            var kind = MethodRegistry.KindOf(method);
            var (label, dash, colour, symbol) = kind switch
            {
                MethodKind.Floor => ($"{method} (floor)", "dash", FloorColour, "diamond"),
                MethodKind.Supervised => ($"{method} (ceiling)", "dot", CeilingColour, "square"),
                _ => (method, (string?)null, (string?)null, "circle"),
            };
            var y = line.Select(c => c.Ours!.Value).ToList();
            var trace = PlotlyTraces.Line(line.Select(c => c.TrainDefectPct), y, label, markers: true, dash: dash, color: colour);
            trace["marker"] = new JsonObject { ["symbol"] = symbol, ["size"] = 8 };
            trace["text"] = new JsonArray(line.Select(c => (JsonNode?)Table1.Cell(c)).ToArray());
            trace["hovertemplate"] = $"{label}, %{{x}} % defects: %{{text}}<extra></extra>";
            traces.Add(PlotlyTraces.WithErrorBars(trace, y, line.Select(c => c.Low).ToList(), line.Select(c => c.High).ToList()));
        }
        if (traces.Count == 0) traces.Add(PlotlyTraces.Line(Array.Empty<double>(), [], "no data"));
        var shares = cells.Select(c => c.TrainDefectPct).Distinct().Order().ToList();
        return PlotlyFigure.Of(traces)
            // Two lines: the page is 760 px wide and the whole sentence would run off it.
            .WithTitle($"{backbone}: probe F1 on the {split} split by train defect share<br><sup>95 % intervals; " +
                       "random-init is the floor (an untrained backbone), supervised the ceiling</sup>")
            .WithAxisTitles("pretraining (train) defect share, % (log scale)", $"F1 ({split}, natural subset)")
            .WithLayout("xaxis.type", "log")
            .WithLayout("xaxis.tickvals", new JsonArray(shares.Select(s => (JsonNode?)s).ToArray()))
            .WithLayout("yaxis.rangemode", "tozero")
            .WithSize(760, 480);
    }

    public static string Title(string split, string backbone = Backbone) =>
        $"{backbone}: probe F1 on the {split} split against the train defect share, with 95 % intervals; " +
        "random-init is the floor (an untrained backbone), supervised the ceiling";
}
