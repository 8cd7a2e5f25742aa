namespace SslAnomaly.Reporting;

/// <summary>
/// A train% x val% heatmap as the paper draws it (Figures 2, 4, 5): one row per method and training defect
/// share, one column per validation subset; cells are the metric averaged over seeds (null when missing).
/// </summary>
public sealed record HeatmapData(string Metric, IReadOnlyList<string> RowLabels, IReadOnlyList<string> ColumnLabels, double?[][] Values)
{
    public double? this[string row, string column] =>
        Values[IndexOf(RowLabels, row)][IndexOf(ColumnLabels, column)];

    static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] == label) return i;
        throw new KeyNotFoundException($"No heatmap label '{label}'.");
    }
}
