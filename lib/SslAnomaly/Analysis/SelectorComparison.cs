using SslAnomaly.Eval;

namespace SslAnomaly.Analysis;

/// <summary>
/// Mean regret of <paramref name="Selector"/> minus that of <paramref name="Other"/> over the groups both chose in (negative:
/// the selector loses less F1), with its two-sided 95 % interval and the Bonferroni-widened one of the comparison family
/// it belongs to, both from the same cell-bootstrap draws as every other selector (a paired comparison).
/// </summary>
public sealed record RegretDifference(string Selector, string Other, int Groups, double Difference, ConfidenceInterval Interval, ConfidenceInterval Simultaneous)
{
    public bool Excludes0 => Interval.Low > 0 || Interval.High < 0;
    public bool SimultaneousExcludes0 => Simultaneous.Low > 0 || Simultaneous.High < 0;
}

/// <summary>
/// Which label-free selector chooses best at one validation key, and how far that can be told. The best is the selector
/// of least mean regret among the <see cref="Tried"/> label-free selectors (the random pick and the last epoch are
/// references, not counted); being least of many is partly luck (the winner's curse), so it comes with: the share of
/// cell-bootstrap resamples in which it is still least; its difference from the runner-up (two-sided 95 % interval); its
/// difference from each other selector at the Bonferroni level over those <see cref="Tried"/> - 1 comparisons (family:
/// the best against every other label-free selector), counting the ones it cannot be told apart from; and its difference
/// from a random pick.
/// </summary>
public sealed record SelectorComparison(
    string ValidationKey, int Tried, int Groups, int Cells, SelectionSummary Best, double ShareBest,
    RegretDifference? AgainstRunnerUp, RegretDifference? AgainstRandom, IReadOnlyList<RegretDifference> AgainstOthers, double SimultaneousLevel)
{
    /// <summary>Other label-free selectors whose difference from the best has a Bonferroni interval containing 0.</summary>
    public int CannotTellApart => AgainstOthers.Count(d => !d.SimultaneousExcludes0);

    /// <summary>The comparison at <paramref name="validationKey"/>; null when no label-free selector chose in any group.</summary>
    public static SelectorComparison? Compute(IReadOnlyList<SelectionPick> picks, IReadOnlyList<SelectionSummary> summaries, string validationKey, BootstrapOptions? bootstrap = null)
    {
        bootstrap ??= BootstrapOptions.Default;
        var rows = picks.Where(p => p.ValidationKey == validationKey).ToList();
        var ranked = summaries.Where(s => s.ValidationKey == validationKey && !s.IsReference).OrderBy(s => s.MeanRegret).ToList();
        if (ranked.Count == 0) return null;
        var groups = rows.Select(p => (p.Group, p.Cell)).Distinct().ToList();
        var groupIndex = groups.Select((g, i) => (g.Group, i)).ToDictionary(x => x.Group, x => x.i, StringComparer.Ordinal);
        var regret = rows.GroupBy(p => p.Selector).ToDictionary(g => g.Key, g =>
        {
            var byGroup = Enumerable.Repeat(double.NaN, groups.Count).ToArray();
            foreach (var p in g) byGroup[groupIndex[p.Group]] = p.Regret;
            return byGroup;
        });
        var draws = CellBootstrap.Draws(groups.Select(g => g.Cell).ToList(), bootstrap);

        // Mean over the drawn groups a selector chose in (NaN where it chose in none of them).
        static double Mean(IEnumerable<double> values) => values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();
        var means = ranked.ToDictionary(s => s.Selector, s => draws.Select(d => Mean(d.Select(i => regret[s.Selector][i]))).ToArray());
        double shareBest = 0;
        for (int b = 0; b < draws.Count; b++)
        {
            var values = ranked.Select(s => means[s.Selector][b]).Where(v => !double.IsNaN(v)).ToList();
            if (values.Count == 0 || double.IsNaN(means[ranked[0].Selector][b])) continue;
            double least = values.Min();
            if (means[ranked[0].Selector][b] == least) shareBest += 1.0 / values.Count(v => v == least);
        }

        double simultaneous = Multiplicity.BonferroniLevel(bootstrap.Level, Math.Max(1, ranked.Count - 1));
        RegretDifference? Difference(string other)
        {
            if (!regret.TryGetValue(other, out var b)) return null;
            var a = regret[ranked[0].Selector];
            var both = Enumerable.Range(0, groups.Count).Where(i => !double.IsNaN(a[i]) && !double.IsNaN(b[i])).ToHashSet();
            if (both.Count == 0) return null;
            var replicates = draws.Select(d => Mean(d.Where(both.Contains).Select(i => a[i] - b[i]))).ToArray();
            return new RegretDifference(ranked[0].Selector, other, both.Count, both.Average(i => a[i] - b[i]),
                ConfidenceInterval.Percentile(replicates, bootstrap.Level), ConfidenceInterval.Percentile(replicates, simultaneous));
        }
        var others = ranked.Skip(1).Select(s => Difference(s.Selector)).OfType<RegretDifference>().ToList();
        return new SelectorComparison(validationKey, ranked.Count, groups.Count, CellBootstrap.CellCount(groups.Select(g => g.Cell).ToList()), ranked[0],
            draws.Count == 0 ? double.NaN : shareBest / draws.Count, ranked.Count > 1 ? Difference(ranked[1].Selector) : null, Difference(ModelSelection.Random), others, simultaneous);
    }
}
