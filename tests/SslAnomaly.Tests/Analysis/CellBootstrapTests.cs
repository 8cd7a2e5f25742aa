using SslAnomaly.Analysis;

namespace SslAnomaly.Tests.Analysis;

public class CellBootstrapTests
{
    static readonly BootstrapOptions Options = new(2000);

    // Eight cells whose metric ranks F1 well but not perfectly.
    static readonly double[] CellX = [1, 2, 3, 4, 5, 6, 7, 8];
    static readonly double[] CellY = [2, 1, 4, 3, 6, 8, 5, 7];

    static double Width(ConfidenceInterval ci) => ci.High - ci.Low;

    [Fact]
    public void Ten_runs_of_one_cell_do_not_narrow_the_interval_like_ten_independent_cells()
    {
        // One run per cell.
        var once = CellBootstrap.PairedInterval(CellX, CellY, CellX.Select(x => $"cell {x}").ToList(), Correlation.Spearman, Options);
        // Ten identical runs per cell: seeds or variants of one cell that landed on the same values.
        var x10 = CellX.SelectMany(x => Enumerable.Repeat(x, 10)).ToArray();
        var y10 = CellY.SelectMany(y => Enumerable.Repeat(y, 10)).ToArray();
        var tenPerCell = CellBootstrap.PairedInterval(x10, y10, x10.Select(x => $"cell {x}").ToList(), Correlation.Spearman, Options);
        // The same 80 values taken as 80 independent cells: what resampling runs did.
        var asIfIndependent = CellBootstrap.PairedInterval(x10, y10, x10.Select((_, i) => $"run {i}").ToList(), Correlation.Spearman, Options);

        Assert.True(Width(once) > 0.3, $"one run per cell: {once}");
        // Ten copies of a cell carry one cell's evidence: the interval stays as wide as with one run per cell...
        Assert.InRange(Width(tenPerCell) / Width(once), 0.85, 1.15);
        // ...while counting them as independent would have narrowed it by about sqrt(10).
        Assert.True(Width(asIfIndependent) < 0.5 * Width(tenPerCell), $"independent {asIfIndependent} against cells {tenPerCell}");
        // The old run-level bootstrap gives the narrow one too.
        var runLevel = Correlation.BootstrapInterval(x10, y10, Correlation.Spearman, Options).Interval;
        Assert.True(Width(runLevel) < 0.5 * Width(tenPerCell), $"run-level {runLevel} against cells {tenPerCell}");
    }

    [Fact]
    public void Draws_take_whole_cells_then_runs_within_them_reproducibly()
    {
        var cells = new[] { "a", "a", "a", "b", "c", "c" };
        var draws = CellBootstrap.Draws(cells, new BootstrapOptions(200, Seed: 3));
        Assert.Equal(draws, CellBootstrap.Draws(cells, new BootstrapOptions(200, Seed: 3)));
        Assert.Equal(3, CellBootstrap.CellCount(cells));
        foreach (var draw in draws)
        {
            // Each drawn cell contributes as many runs as it holds: the draw's size is a sum of cell sizes (3 cells drawn of sizes 3, 1, 2).
            Assert.InRange(draw.Length, 3, 9);
            var drawnCells = draw.Select(i => cells[i]).ToList();
            Assert.Equal(0, drawnCells.Count(c => c == "a") % 3);
            Assert.Equal(0, drawnCells.Count(c => c == "c") % 2);
        }
        // Runs within a drawn cell are resampled too: some draw repeats one run of cell a.
        Assert.Contains(draws, d => d.Where(i => cells[i] == "a").GroupBy(i => i).Any(g => g.Count() > 1 && d.Count(i => cells[i] == "a") == 3));
    }

    [Fact]
    public void Bonferroni_widens_the_level_by_the_family_size()
    {
        Assert.Equal(0.95, Multiplicity.BonferroniLevel(0.95, 1), 12);
        Assert.Equal(1 - 0.05 / 17, Multiplicity.BonferroniLevel(0.95, 17), 12);
        Assert.Equal(0.85, Multiplicity.ExpectedFalseExclusions(0.95, 17), 12);
    }
}
