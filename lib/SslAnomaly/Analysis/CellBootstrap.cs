using SslAnomaly.Eval;

namespace SslAnomaly.Analysis;

/// <summary>
/// The two-stage (cluster) bootstrap over cells: each replicate draws as many cells as there are, with replacement, then
/// within each drawn cell as many of its items (runs, or selection groups) as it holds, with replacement. A cell is what
/// an experimenter sets (method x backbone x train share x resolution, <see cref="AnalysisRun.Cell"/>); the runs of one
/// cell (seeds, hyper-parameter variants) share all of it and are not independent evidence. Resampling runs as if they
/// were would let ten BYOL variants of one cell narrow an interval as much as ten cells: here ten runs of one cell weigh
/// as one cell in the outer draw, and their spread enters only through the inner one (Davison and Hinkley 1997, sec.
/// 3.8, resampling both stages, which errs on the wide side).
/// </summary>
public static class CellBootstrap
{
    /// <summary>
    /// The items each replicate draws, as indices into <paramref name="cellOfItem"/> (with repeats). The same options give
    /// the same draws, so statistics bootstrapped from one call are paired: a difference between two selectors, or two
    /// metrics' ranks, is taken on the same resampled cells.
    /// </summary>
    public static IReadOnlyList<int[]> Draws(IReadOnlyList<string> cellOfItem, BootstrapOptions options)
    {
        options.Validate();
        var cells = Members(cellOfItem);
        var draws = new int[options.Replicates][];
        for (int b = 0; b < options.Replicates; b++)
        {
            var random = new Random(options.ReplicateSeed(b));
            var items = new List<int>(cellOfItem.Count);
            for (int c = 0; c < cells.Count; c++)
            {
                var members = cells[random.Next(cells.Count)];
                for (int m = 0; m < members.Length; m++) items.Add(members[random.Next(members.Length)]);
            }
            draws[b] = items.ToArray();
        }
        return draws;
    }

    /// <summary>The items of each cell, cells in order of first appearance (a fixed order keeps the draws reproducible).</summary>
    public static IReadOnlyList<int[]> Members(IReadOnlyList<string> cellOfItem) =>
        cellOfItem.Select((cell, i) => (cell, i)).GroupBy(x => x.cell, StringComparer.Ordinal).Select(g => g.Select(x => x.i).ToArray()).ToList();

    /// <summary>How many distinct cells the items come from: the number of independent units behind an interval.</summary>
    public static int CellCount(IReadOnlyList<string> cellOfItem) => cellOfItem.Distinct(StringComparer.Ordinal).Count();

    /// <summary>A statistic of the items evaluated on every replicate's draw (NaN where it is undefined on that draw).</summary>
    public static double[] Replicates(IReadOnlyList<int[]> draws, Func<int[], double> statistic) =>
        draws.Select(statistic).ToArray();

    /// <summary>Percentile interval of a paired statistic of (x, y) items, cells resampled as above.</summary>
    public static ConfidenceInterval PairedInterval(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<string> cellOfItem,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic, BootstrapOptions options) =>
        ConfidenceInterval.Percentile(PairedReplicates(x, y, Draws(cellOfItem, options), statistic), options.Level);

    /// <summary>A paired statistic of (x, y) items on each draw.</summary>
    public static double[] PairedReplicates(IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<int[]> draws,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Paired samples differ in length: {x.Count} and {y.Count}.");
        return Replicates(draws, d => statistic(d.Select(i => x[i]).ToArray(), d.Select(i => y[i]).ToArray()));
    }
}
