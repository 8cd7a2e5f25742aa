using System.Globalization;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>How far each reading of the paper's "F2_CIW" lies from its published values, over the Table 1 cells we ran.</summary>
public sealed record F2ReadingComparison(int Cells, double? MeanAbsDifferenceF2, double? MeanAbsDifferenceF2Ciw)
{
    /// <summary>"f2" (binary F2 of the defect class) or "f2_ciw" (per-class, CIW-weighted), whichever is closer; null without cells.</summary>
    public string? Closer => MeanAbsDifferenceF2 is { } f2 && MeanAbsDifferenceF2Ciw is { } ciw ? (f2 <= ciw ? Metric.F2.Name : Metric.F2Ciw.Name) : null;

    public string Sentence => Closer is null
        ? "No Table 1 cell has both our run and a published F2_CIW: nothing to compare."
        : string.Create(CultureInfo.InvariantCulture,
            $"Over {Cells} Table 1 cells, the paper's F2_CIW column lies {MeanAbsDifferenceF2:0.000} (mean absolute difference) from our binary F2 " +
            $"of the defect class and {MeanAbsDifferenceF2Ciw:0.000} from our per-class F2_CIW: the {(Closer == Metric.F2 ? "binary F2" : "per-class F2_CIW")} reading is closer.");
}

/// <summary>
/// Item 7 of "A study that learns": the paper's F2_CIW (about 0.8) is far above an honest per-class F2_CIW of a
/// binary model (about 0.14; docs/data-flow.md, Metrics), so it may have meant the binary F2 of the defect class.
/// This compares both of our readings with the published column on the cells where we have a run.
/// </summary>
public static class F2Reading
{
    public static F2ReadingComparison Compare(IReadOnlyList<RunResult> runs, string valKey = ImbalanceGrid.NaturalKey)
    {
        var paper = PaperReference.Table1().Where(v => v.Metric == Metric.F2Ciw)
            .ToDictionary(v => (v.Method, v.Backbone, v.TrainDefectPct), v => v.Value);
        var cells = Table1.PaperSetting(runs).Where(r => r.IsCompleted)
            .GroupBy(r => (r.Method, r.Backbone, r.TrainDefectPct))
            .Where(g => paper.ContainsKey(g.Key))
            .Select(g => (Paper: paper[g.Key], F2: Mean(g.Select(r => r.Metric(valKey, Metric.F2))), Ciw: Mean(g.Select(r => r.Metric(valKey, Metric.F2Ciw)))))
            .Where(c => c.F2 is not null && c.Ciw is not null)
            .ToList();
        return cells.Count == 0
            ? new F2ReadingComparison(0, null, null)
            : new F2ReadingComparison(cells.Count, cells.Average(c => Math.Abs(c.F2!.Value - c.Paper)), cells.Average(c => Math.Abs(c.Ciw!.Value - c.Paper)));
    }

    static double? Mean(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : present.Average();
    }
}
