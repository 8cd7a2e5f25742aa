namespace SslAnomaly.Notebooks;

/// <summary>
/// Section 4 of the paper (notebook 03): Table 1 and the train% x val% heatmaps of Figures 2, 4 and 5 from a
/// sweep, with the published Figure 2 beside ours.
/// </summary>
public static class ImbalanceViews
{
    /// <summary>Metrics of Figure 4 (F1, F2_CIW, F1_Normal) and Figure 5 (precision, recall, F1).</summary>
    public static readonly IReadOnlyList<string> Figure4Metrics = ["f1", "f2_ciw", "f1_normal"];
    public static readonly IReadOnlyList<string> Figure5Metrics = ["precision", "recall"];

    /// <summary>Table 1 cells we measured (natural validation split), each beside the paper's number.</summary>
    public static IReadOnlyList<Table1Row> Table1Measured(IReadOnlyList<RunResult> runs) =>
        Table1.Build(runs).Where(r => r.Ours is not null).ToList();

    /// <summary>Table 1 as markdown (one table per metric, cells "ours (paper)").</summary>
    public static MarkdownText Table1Markdown(IReadOnlyList<Table1Row> rows) => new(Table1.ToMarkdown(rows));

    /// <summary>One heatmap: rows method and train share, columns validation share, each cell's value printed.</summary>
    public static PlotlyFigure Heatmap(IReadOnlyList<RunResult> runs, string backbone, string metric, string figure) =>
        ChartStyle.WithCellValues(FigureCatalogue.Heatmap.Chart(new FigureRuns(runs), (backbone, metric))
            .WithTitle($"{figure}: {backbone} {Table1.Display(metric)} (rows: method, train defect share; columns: validation defect share)"));

    /// <summary>The paper's Figure 2 (ResNet-18 F1 as published), drawn the same way as ours.</summary>
    public static PlotlyFigure PaperFigure2() => FigureCatalogue.PaperFigure2.Chart(new FigureRuns([]));
}
