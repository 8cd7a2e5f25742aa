using SslAnomaly.Eval;
using SslAnomaly.Eval.LabelFree;

namespace SslAnomaly.Analysis;

/// <summary>One candidate model: a run (one hyper-parameter setting) after one epoch.</summary>
public sealed record Candidate(AnalysisRun Run, int EpochIndex, double F1)
{
    public string Label => $"{Run.Label} epoch {EpochIndex + 1}";
}

/// <summary>What a selector picked in one group, against the best pick with labels; <paramref name="Cell"/> is the group's
/// experimental cell (<see cref="AnalysisRun.Cell"/>), which the regret's bootstrap resamples.</summary>
public sealed record SelectionPick(string Group, string Cell, string Selector, string ValidationKey, int Candidates, string Picked, double PickedF1, string Best, double BestF1)
{
    public double Regret => BestF1 - PickedF1;
}

/// <summary>A selector's regret over all groups, the mean with its 95 % cell-bootstrap interval (<see cref="CellBootstrap"/>).</summary>
public sealed record SelectionSummary(string Selector, string ValidationKey, int Groups, int Cells, double MeanRegret, ConfidenceInterval MeanRegretInterval,
    double MaxRegret, double MeanPickedF1, double MeanBestF1)
{
    /// <summary>The two references, which no label-free metric drives: not counted among the selectors tried.</summary>
    public bool IsReference => Selector is ModelSelection.Random or ModelSelection.LastEpoch;
}

/// <summary>
/// Model selection without labels, measured (the paper's open problem: "cross-validation without labels"): within each group of runs that
/// share method, backbone, train share and seed, the candidates are every (run, epoch) with a known probe F1: all epochs
/// when the runs probed every epoch (<c>SSL_ANOMALY_PROBE_EVERY_EPOCH=1</c>), else the finished models only, so then the
/// choice is over the hyper-parameter setting alone. Each metric picks the candidate it prefers
/// (<see cref="LabelFreeMetric.Score"/>); the regret is the best candidate's F1 minus the picked one's. Two references:
/// "random" (the mean regret of a uniform pick) and "last epoch" (the final epoch of a run, hyper-parameter by the
/// metric-free mean over runs, i.e. the expected regret of a random setting trained to the end). A selector's mean
/// regret gets an interval from resampling cells, then the groups (seeds) within them: two groups of one cell are not
/// two independent chances for a metric to choose well.
/// </summary>
public static class ModelSelection
{
    public const string Random = "random pick (expected)";
    public const string LastEpoch = "last epoch, random setting (expected)";

    public static IReadOnlyList<Candidate> Candidates(IEnumerable<AnalysisRun> group, string validationKey) =>
        group.SelectMany(run => Enumerable.Range(0, run.Epochs.Count)
            .Select(e => (run, e, f1: run.F1At(e, validationKey)))
            .Where(c => c.f1 is not null).Select(c => new Candidate(c.run, c.e, c.f1!.Value))).ToList();

    public static IReadOnlyList<SelectionPick> Picks(IReadOnlyList<AnalysisRun> runs, IReadOnlyList<string>? targets = null)
    {
        var picks = new List<SelectionPick>();
        foreach (var key in targets ?? MetricCorrelations.Targets)
            foreach (var group in runs.Where(r => r.Epochs.Count > 0).GroupBy(r => r.GroupKey).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var candidates = Candidates(group, key);
                if (candidates.Count < 2) continue;  // nothing to choose
                var best = candidates.MaxBy(c => c.F1)!;
                // A group varies a setting within one cell; where it varies the resolution too, it spans those cells as one unit.
                var cell = string.Join("+", group.Select(r => r.Cell).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                SelectionPick Pick(string selector, string picked, double f1) =>
                    new(group.Key, cell, selector, key, candidates.Count, picked, f1, best.Label, best.F1);
                picks.Add(Pick(Random, "-", candidates.Average(c => c.F1)));
                var last = candidates.Where(c => c.EpochIndex == c.Run.Epochs.Count - 1).ToList();
                if (last.Count > 0) picks.Add(Pick(LastEpoch, "-", last.Average(c => c.F1)));
                foreach (var metric in LabelFreeMetrics.All)
                    foreach (var space in metric.PerSpace ? [FeatureSpace.Backbone, FeatureSpace.Projector] : new[] { FeatureSpace.Backbone })
                    {
                        var scored = candidates.Select(c => (c, v: c.Run.Value(metric, space, c.EpochIndex))).Where(p => p.v is not null).ToList();
                        if (scored.Count != candidates.Count) continue;  // a metric that misses a candidate cannot choose fairly
                        // Ties go to the later epoch, then to the first run in folder order: deterministic.
                        var chosen = scored.OrderByDescending(p => metric.Score(p.v!.Value)).ThenByDescending(p => p.c.EpochIndex).First().c;
                        picks.Add(Pick(SelectorName(metric, space), chosen.Label, chosen.F1));
                    }
            }
        return picks;
    }

    public static string SelectorName(LabelFreeMetric metric, FeatureSpace space) =>
        metric.PerSpace ? $"{metric.Display} ({space.ToString().ToLowerInvariant()})" : metric.Display;

    /// <summary>Each selector's regret over the groups it could choose in, with the mean's interval (cells resampled, then groups).</summary>
    public static IReadOnlyList<SelectionSummary> Summarise(IReadOnlyList<SelectionPick> picks, BootstrapOptions? bootstrap = null)
    {
        bootstrap ??= BootstrapOptions.Default;
        return picks.GroupBy(p => (p.Selector, p.ValidationKey))
            .Select(g =>
            {
                var rows = g.ToList();
                var cells = rows.Select(p => p.Cell).ToList();
                var replicates = CellBootstrap.Replicates(CellBootstrap.Draws(cells, bootstrap), d => d.Average(i => rows[i].Regret));
                return new SelectionSummary(g.Key.Selector, g.Key.ValidationKey, rows.Count, CellBootstrap.CellCount(cells), rows.Average(p => p.Regret),
                    ConfidenceInterval.Percentile(replicates, bootstrap.Level), rows.Max(p => p.Regret), rows.Average(p => p.PickedF1), rows.Average(p => p.BestF1));
            })
            .OrderBy(s => s.ValidationKey == ImbalanceGrid.NaturalKey ? 0 : 1).ThenBy(s => s.MeanRegret).ToList();
    }
}
