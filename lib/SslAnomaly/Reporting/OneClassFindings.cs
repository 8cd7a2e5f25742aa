using System.Globalization;
using SslAnomaly.Eval;
using SslAnomaly.Eval.OneClass;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>(a) One scorer's AUPRC at the lowest against the highest train share of a method and backbone.</summary>
/// <param name="Scorer">"probe", or a detector and pool ("knn, clean").</param>
/// <param name="Verdict">The lowest share's AUPRC against the highest's: <see cref="IntervalVerdict.Below"/> means imbalance hurts.</param>
public sealed record ImbalanceFinding(string Method, string Backbone, string Scorer, double LowShare, double HighShare,
    MetricEstimate? AtLowShare, MetricEstimate? AtHighShare, IntervalVerdict Verdict);

/// <summary>
/// (b) For one detector: what contaminating its reference costs at the highest train share (clean minus contaminated
/// AUPRC) beside what pretraining imbalance costs on the clean pool (highest minus lowest share).
/// </summary>
/// <param name="Verdict">Contamination's cost against imbalance's: <see cref="IntervalVerdict.Above"/> means contamination
/// hurts more. The two costs share the clean pool at the highest share, so their difference is the clean pool at the lowest
/// share minus the contaminated pool at the highest: the verdict compares those two intervals directly.</param>
public sealed record ContaminationFinding(string Method, string Backbone, DetectorKind Detector, double LowShare, double HighShare,
    MetricEstimate? ContaminationCost, MetricEstimate? ImbalanceCost, IntervalVerdict Verdict);

public enum BudgetOutcome
{
    /// <summary>A budget's AUPRC interval lies above the detector's.</summary>
    Reached,
    /// <summary>Even the largest budget's interval lies below the detector's.</summary>
    NotWithinBudgets,
    /// <summary>No budget is above, and the largest overlaps the detector: the intervals cannot tell.</summary>
    Inconclusive,
    /// <summary>No label-efficiency probes or no detector with an AUPRC.</summary>
    NoData,
}

/// <summary>(c) The fewest labelled defects whose probe beats the best detector without defect labels, by AUPRC.</summary>
public sealed record LabelBudgetFinding(string Method, string Backbone, double TrainDefectPct, DetectorCell? BestDetector, BudgetPoint? Needed,
    BudgetPoint? Largest, BudgetOutcome Outcome);

/// <summary>
/// The three questions of the study without defect labels (docs/one-class.md, "In the report and notebook 08"), answered
/// from finished runs with their intervals, on the natural subset of the split the runs are read on:
/// (a) does pretraining imbalance hurt the one-class detectors as it hurts the probe; (b) does contaminating the reference
/// pool hurt more than imbalanced pretraining; (c) how many labelled defects does the probe need to beat the best detector.
/// Every verdict is two-sided and comes from <see cref="IntervalComparison"/>: "inconclusive" wherever intervals overlap.
/// One run per cell (its lowest seed): detectors keep no per-image scores, so seeds cannot be pooled image by image.
/// </summary>
public sealed record OneClassFindings(IReadOnlyList<ImbalanceFinding> Imbalance, IReadOnlyList<ContaminationFinding> Contamination,
    IReadOnlyList<LabelBudgetFinding> LabelBudgets)
{
    public const string Probe = "probe";

    public static OneClassFindings Compute(IReadOnlyList<RunResult> runs, string key = ImbalanceGrid.NaturalKey)
    {
        var cells = Table1.PaperSetting(runs).Where(r => r.IsCompleted)
            .GroupBy(r => (r.Method, r.Backbone, r.TrainDefectPct)).Select(g => g.OrderBy(r => r.Seed).First())
            .OrderBy(r => Table1.MethodOrder.ToList().IndexOf(r.Method) is var i && i >= 0 ? i : 99)
            .ThenBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Backbone, StringComparer.Ordinal).ThenBy(r => r.TrainDefectPct).ToList();
        var imbalance = new List<ImbalanceFinding>();
        var contamination = new List<ContaminationFinding>();
        foreach (var group in cells.Where(r => r.OneClass is { Count: > 0 }).GroupBy(r => (r.Method, r.Backbone)))
        {
            var byShare = group.OrderBy(r => r.TrainDefectPct).ToList();
            if (byShare.Count < 2) continue;
            OneClassRow low = OneClassTable.Row(byShare[0], key), high = OneClassTable.Row(byShare[^1], key);
            imbalance.Add(ImbalanceOf(group.Key, Probe, low, high, r => r.ProbeAuprc));
            foreach (var (detector, pool) in OneClassTable.Columns)
                if (low.Of(detector, pool) is not null || high.Of(detector, pool) is not null)
                    imbalance.Add(ImbalanceOf(group.Key, OneClassTable.Display(detector, pool), low, high, r => r.Of(detector, pool)?.Auprc));
            foreach (var detector in Enum.GetValues<DetectorKind>())
            {
                MetricEstimate? cleanLow = low.Of(detector, ReferencePool.Clean)?.Auprc, cleanHigh = high.Of(detector, ReferencePool.Clean)?.Auprc,
                    contaminatedHigh = high.Of(detector, ReferencePool.Contaminated)?.Auprc;
                if (cleanHigh is null || contaminatedHigh is null) continue;
                contamination.Add(new ContaminationFinding(group.Key.Method, group.Key.Backbone, detector, low.TrainDefectPct, high.TrainDefectPct,
                    IntervalComparison.Difference(cleanHigh, contaminatedHigh), IntervalComparison.Difference(cleanHigh, cleanLow),
                    IntervalComparison.Compare(cleanLow, contaminatedHigh)));
            }
        }
        var budgets = cells.Where(r => r.LabelEfficiency is { Count: > 0 }).Select(r => Budget(r, key)).ToList();
        return new OneClassFindings(imbalance, contamination, budgets);
    }

    static ImbalanceFinding ImbalanceOf((string Method, string Backbone) cell, string scorer, OneClassRow low, OneClassRow high, Func<OneClassRow, MetricEstimate?> auprc) =>
        new(cell.Method, cell.Backbone, scorer, low.TrainDefectPct, high.TrainDefectPct, auprc(low), auprc(high), IntervalComparison.Compare(auprc(low), auprc(high)));

    static LabelBudgetFinding Budget(RunResult run, string key)
    {
        var detector = OneClassTable.Row(run, key).BestByAuprc;
        var points = LabelEfficiencyFigure.Points(run, key).Where(p => p.Auprc is not null).ToList();
        if (detector?.Auprc is null || points.Count == 0)
            return new LabelBudgetFinding(run.Method, run.Backbone, run.TrainDefectPct, detector, null, points.LastOrDefault(), BudgetOutcome.NoData);
        var needed = points.FirstOrDefault(p => IntervalComparison.Compare(p.Auprc, detector.Auprc) == IntervalVerdict.Above);
        var outcome = needed is not null ? BudgetOutcome.Reached
            : IntervalComparison.Compare(points[^1].Auprc, detector.Auprc) == IntervalVerdict.Below ? BudgetOutcome.NotWithinBudgets
            : BudgetOutcome.Inconclusive;
        return new LabelBudgetFinding(run.Method, run.Backbone, run.TrainDefectPct, detector, needed, points[^1], outcome);
    }

    /// <summary>The answers in words, one paragraph per question, each sentence computed from the findings.</summary>
    public IReadOnlyList<string> Paragraphs()
    {
        var paragraphs = new List<string>();
        paragraphs.Add("(a) Does pretraining imbalance hurt the detectors as it hurts the probe? " + (Imbalance.Count == 0
            ? "No method has runs at two train shares with the study: nothing to compare."
            : string.Join(" ", Imbalance.GroupBy(f => (f.Method, f.Backbone)).Select(g =>
                $"{g.Key.Method}/{g.Key.Backbone}, AUPRC at {Pct(g.First().LowShare)} against {Pct(g.First().HighShare)} train share: " +
                string.Join("; ", g.Select(f => $"{f.Scorer} {ImbalanceWords(f.Verdict)} ({MetricEstimate.Text(f.AtLowShare)} vs {MetricEstimate.Text(f.AtHighShare)})")) + "."))));
        paragraphs.Add("(b) Does a contaminated reference hurt more than imbalanced pretraining? " + (Contamination.Count == 0
            ? "No method has both pools at two train shares: nothing to compare."
            : string.Join(" ", Contamination.Select(f =>
                $"{f.Method}/{f.Backbone} {OneClassNames.Of(f.Detector)}: contamination costs {MetricEstimate.Text(f.ContaminationCost)} AUPRC at {Pct(f.HighShare)} " +
                $"(clean minus contaminated), imbalance {MetricEstimate.Text(f.ImbalanceCost)} on the clean pool ({Pct(f.HighShare)} minus {Pct(f.LowShare)}): " +
                ContaminationWords(f.Verdict) + "."))));
        paragraphs.Add("(c) How many labelled defects does the probe need to beat the best detector without defect labels (AUPRC)? " + (LabelBudgets.Count == 0
            ? "No run trained label-efficiency probes."
            : string.Join(" ", LabelBudgets.Select(f => $"{f.Method}/{f.Backbone} at {Pct(f.TrainDefectPct)}: {BudgetWords(f)}."))));
        paragraphs.Add("Verdicts compare 95 % bootstrap intervals over the subset's images, two-sided; \"inconclusive\" where they overlap " +
                       "(non-overlapping intervals are a conservative test). One run per cell, its lowest seed.");
        return paragraphs;
    }

    static string ImbalanceWords(IntervalVerdict v) => v switch
    {
        IntervalVerdict.Below => "lower at the rarer share (imbalance hurts)",
        IntervalVerdict.Above => "higher at the rarer share (imbalance helps)",
        _ => "inconclusive",
    };

    static string ContaminationWords(IntervalVerdict v) => v switch
    {
        IntervalVerdict.Above => "contamination hurts more",
        IntervalVerdict.Below => "imbalance hurts more",
        _ => "inconclusive",
    };

    static string BudgetWords(LabelBudgetFinding f)
    {
        string detector = f.BestDetector is { } d ? $"{OneClassTable.Display(d.Detector, d.Pool)} {MetricEstimate.Text(d.Auprc)}" : "no detector";
        return f.Outcome switch
        {
            BudgetOutcome.Reached => $"{f.Needed!.Defects} labelled defects (budget {f.Needed.Budget}: {MetricEstimate.Text(f.Needed.Auprc)}) beat {detector}",
            BudgetOutcome.NotWithinBudgets => $"not within the budgets: even {f.Largest!.Defects} labelled defects ({MetricEstimate.Text(f.Largest.Auprc)}) stay below {detector}",
            BudgetOutcome.Inconclusive => $"inconclusive: no budget lies above {detector}, and {f.Largest!.Defects} labelled defects ({MetricEstimate.Text(f.Largest.Auprc)}) overlap it",
            _ => "no label-efficiency probe or detector AUPRC to compare",
        };
    }

    static string Pct(double share) => share.ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
