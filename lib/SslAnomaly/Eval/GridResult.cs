using Microsoft.Data.Analysis;

namespace SslAnomaly.Eval;

/// <summary>The imbalance-grid results of one pretrained run.</summary>
public sealed class GridResult(IReadOnlyList<SubsetResult> subsets)
{
    public IReadOnlyList<SubsetResult> Subsets { get; } = subsets;

    public SubsetResult this[string key] =>
        Subsets.FirstOrDefault(s => s.Key == key) ?? throw new KeyNotFoundException($"No validation subset '{key}' in this grid.");

    /// <summary>result.json's "metrics" object: validation key -> metrics (docs/result-json.md).</summary>
    public IReadOnlyDictionary<string, MetricsReport> ToReports() =>
        Subsets.ToDictionary(s => s.Key, s => s.ToReport());

    /// <summary>One row per validation subset: every scalar metric and, where computed, its interval bounds.</summary>
    public DataFrame ToDataFrame()
    {
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("val", Subsets.Select(s => s.Key)),
            new Int64DataFrameColumn("n", Subsets.Select(s => s.Metrics.Count)),
            new Int64DataFrameColumn("positives", Subsets.Select(s => s.Metrics.Positives)),
        };
        foreach (var name in DefectMetrics.ScalarNames)
        {
            columns.Add(new DoubleDataFrameColumn(name, Subsets.Select(s => Nullable(s.Metrics.Scalar(name)))));
            if (Subsets.Any(s => s.Intervals is not null))
            {
                columns.Add(new DoubleDataFrameColumn($"{name}_low", Subsets.Select(s => Nullable(s.Intervals?[name].Low))));
                columns.Add(new DoubleDataFrameColumn($"{name}_high", Subsets.Select(s => Nullable(s.Intervals?[name].High))));
            }
        }
        return new DataFrame(columns);
    }

    static double? Nullable(double? v) => v is double d && !double.IsNaN(d) ? d : null;
}
