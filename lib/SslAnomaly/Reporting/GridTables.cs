using Microsoft.Data.Analysis;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>Across-run views of the imbalance grid: a long data frame and the paper's heatmaps. They read finished runs
/// (<see cref="RunResult"/>), so they sit with the report rather than with the per-run evaluation they summarise.</summary>
public static class GridTables
{
    /// <summary>One row per (completed run, validation subset): identity, final RankMe and every scalar metric.</summary>
    public static DataFrame ToDataFrame(IEnumerable<RunResult> runs)
    {
        var rows = runs
            .Where(run => run.IsCompleted)
            .SelectMany(run => run.Metrics.Select(m => (Run: run, Val: m.Key, Report: m.Value)))
            .OrderBy(r => r.Run.Method, StringComparer.Ordinal).ThenBy(r => r.Run.Backbone, StringComparer.Ordinal)
            .ThenBy(r => r.Run.TrainDefectPct).ThenBy(r => r.Run.Seed)
            .ThenBy(r => ImbalanceGrid.DisplayRank(r.Val)).ThenBy(r => r.Val, StringComparer.Ordinal)
            .ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("method", rows.Select(r => r.Run.Method)),
            new StringDataFrameColumn("backbone", rows.Select(r => r.Run.Backbone)),
            new DoubleDataFrameColumn("train_pct", rows.Select(r => r.Run.TrainDefectPct)),
            new Int32DataFrameColumn("seed", rows.Select(r => r.Run.Seed)),
            new StringDataFrameColumn("val", rows.Select(r => r.Val)),
            new DoubleDataFrameColumn("rankme", rows.Select(r => r.Run.Rankme)),
            new Int64DataFrameColumn("n", rows.Select(r => r.Report.N)),
        };
        foreach (var name in DefectMetrics.ScalarNames)
            columns.Add(new DoubleDataFrameColumn(name, rows.Select(r => r.Report.Scalar(name))));
        return new DataFrame(columns);
    }

    /// <summary>
    /// The heatmap of <paramref name="metric"/> for one backbone (all runs when null): rows "Method train%"
    /// sorted by method then share, columns the validation keys present (paper order), cells averaged over seeds.
    /// </summary>
    public static HeatmapData Heatmap(IEnumerable<RunResult> runs, string metric, string? backbone = null)
    {
        if (!DefectMetrics.ScalarNames.Contains(metric))
            throw new ArgumentException($"Unknown metric '{metric}' (known: {string.Join(", ", DefectMetrics.ScalarNames)}).", nameof(metric));
        var selected = runs.Where(r => r.IsCompleted && (backbone is null || r.Backbone == backbone)).ToList();
        var rowKeys = selected.Select(r => (r.Method, r.TrainDefectPct)).Distinct()
            .OrderBy(k => k.Method, StringComparer.Ordinal).ThenBy(k => k.TrainDefectPct).ToList();
        var columns = selected.SelectMany(r => r.Metrics.Keys).Distinct()
            .OrderBy(ImbalanceGrid.DisplayRank).ThenBy(k => k, StringComparer.Ordinal).ToList();

        var values = rowKeys.Select(row => columns.Select(column =>
        {
            var cell = selected.Where(r => (r.Method, r.TrainDefectPct) == row && r.Metrics.ContainsKey(column))
                .Select(r => r.Metrics[column].Scalar(metric)).OfType<double>().ToList();
            return cell.Count == 0 ? (double?)null : cell.Average();
        }).ToArray()).ToArray();

        return new HeatmapData(metric,
            rowKeys.Select(k => $"{k.Method} {k.TrainDefectPct.ToString(System.Globalization.CultureInfo.InvariantCulture)}%").ToList(),
            columns.Select(c => c == ImbalanceGrid.NaturalKey ? c : $"{c}%").ToList(),
            values);
    }
}
