using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>One drawn figure: the file name it is written under (figures/NAME.html), its heading and the chart.</summary>
public sealed record DrawnFigure(string Name, string Title, PlotlyFigure Chart);

/// <summary>
/// What the catalogue's figures are drawn from: finished runs on one split, and what some figures read beside them.
/// The report fills every part (<see cref="ForReport"/>); a notebook view passes the runs it shows.
/// </summary>
public sealed record FigureRuns(IReadOnlyList<RunResult> Runs)
{
    /// <summary>The floor comparisons behind the heatmaps' marks; none: no marks.</summary>
    public FloorComparisons Floors { get; init; } = FloorComparisons.None;

    /// <summary>The rows the imbalance heatmaps draw: the runs themselves unless the caller derives others (the report adds
    /// the reference rows to the paper's setting, <see cref="ForReport"/>).</summary>
    public IReadOnlyList<RunResult> HeatmapRows { get => heatmapRows ?? Runs; init => heatmapRows = value; }
    readonly IReadOnlyList<RunResult>? heatmapRows;

    /// <summary>Table 1 on these runs, for the figures that read its cells; built on first use unless the caller has it.</summary>
    public IReadOnlyList<Table1Row> Table { get => table ??= Table1.Build(Runs, floors: Floors); init => table = value; }
    IReadOnlyList<Table1Row>? table;

    /// <summary>The ablation grids' runs (Table 2, Figure 3); none unless given.</summary>
    public AblationRuns Ablations { get; init; } = AblationRuns.None;

    /// <summary>"test" or "validation": the split <see cref="Runs"/> are read on.</summary>
    public string Split => Figures.SplitName(Runs);

    /// <summary>The report's inputs: the heatmaps draw the paper's setting with its reference rows (<see cref="ReferenceRows"/>).</summary>
    public static FigureRuns ForReport(IReadOnlyList<RunResult> runs, FloorComparisons? floors = null, IReadOnlyList<Table1Row>? table = null,
        AblationRuns? ablations = null)
    {
        var inputs = new FigureRuns(runs)
        {
            Floors = floors ?? FloorComparisons.None, HeatmapRows = ReferenceRows.With(Table1.PaperSetting(runs)),
            Ablations = ablations ?? AblationRuns.None,
        };
        return table is null ? inputs : inputs with { Table = table };
    }
}

/// <summary>
/// One figure of a catalogue (<see cref="FigureCatalogue"/> for figures of finished runs; the label-free analysis keeps
/// its own, <c>Analysis.LabelFreeFigures.All</c>): its id, what it shows, what it is drawn from, and how. A figure with
/// parameters (a backbone, a metric, a curve) is one entry whose instances its source decides.
/// </summary>
/// <typeparam name="TSource">What it is drawn from (<see cref="FigureRuns"/>, or the label-free analysis).</typeparam>
public abstract record FigureSpec<TSource>(string Id, string Title, string Needs)
{
    /// <summary>Whether the report draws it (the others are shown by the notebooks alone).</summary>
    public bool InReport { get; init; } = true;

    /// <summary>Every instance the source can draw, named and titled for a figures folder; empty when the source lacks what
    /// the figure needs.</summary>
    public abstract IReadOnlyList<DrawnFigure> Draw(TSource source);
}

/// <summary>A figure drawn once per <typeparamref name="TKey"/> (a backbone, a (backbone, metric) pair, a curve...).</summary>
/// <param name="Instances">The keys the source can draw (none: nothing to draw).</param>
/// <param name="FileName">An instance's file name under figures/, without .html.</param>
/// <param name="Caption">An instance's heading in the report.</param>
/// <param name="Build">The chart.</param>
public sealed record FigureSpec<TSource, TKey>(string Id, string Title, string Needs,
    Func<TSource, IEnumerable<TKey>> Instances,
    Func<TKey, string> FileName,
    Func<TSource, TKey, string> Caption,
    Func<TSource, TKey, PlotlyFigure> Build) : FigureSpec<TSource>(Id, Title, Needs)
{
    public PlotlyFigure Chart(TSource source, TKey key) => Build(source, key);

    public override IReadOnlyList<DrawnFigure> Draw(TSource source) =>
        Instances(source).Select(key => new DrawnFigure(FileName(key), Caption(source, key), Build(source, key))).ToList();
}

/// <summary>A figure drawn at most once, under its id (figures/ID.html): Table 2, the headline, the paper's Figure 2...</summary>
/// <param name="Available">Whether the source holds what it needs (else the report has no such figure).</param>
/// <param name="Caption">Its heading in the report; null: the title.</param>
public sealed record SingleFigureSpec<TSource>(string Id, string Title, string Needs,
    Func<TSource, bool> Available,
    Func<TSource, PlotlyFigure> Build,
    Func<TSource, string>? Caption = null) : FigureSpec<TSource>(Id, Title, Needs)
{
    public PlotlyFigure Chart(TSource source) => Build(source);

    public override IReadOnlyList<DrawnFigure> Draw(TSource source) =>
        Available(source) ? [new DrawnFigure(Id, Caption?.Invoke(source) ?? Title, Build(source))] : [];
}
