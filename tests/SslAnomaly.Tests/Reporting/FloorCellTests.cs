using SslAnomaly.Reporting;
using static SslAnomaly.Tests.Analysis.FakeRunFolders;

namespace SslAnomaly.Tests.Reporting;

/// <summary>
/// A cell's seeds are judged against the floor together, one test per cell; runs that share a seed (variants of a recipe)
/// stay tests of their own.
/// </summary>
public class FloorCellTests
{
    /// <summary>Scores that separate the classes, except on every <paramref name="miss"/>-th image.</summary>
    static double[] SeparatingBut(int miss) => Labels.Select((l, i) => (l ^ (i % miss == 1)) ? 0.8 : 0.2).ToArray();

    [Fact]
    public void Seeds_of_a_cell_are_one_test_and_variants_are_tests_of_their_own()
    {
        using var dir = new TempDir();
        var epochs = new[] { new Epoch(new Dictionary<string, double>(), 0.5, 1) };
        foreach (var seed in new[] { 0, 1, 2 })
        {
            Write(dir.Path, "random-init", "resnet18", 45, epochs, seed: seed, valScores: Chance, valLabels: Labels);
            Write(dir.Path, "simclr", "resnet18", 45, epochs, seed: seed, valScores: SeparatingBut(5 + seed), valLabels: Labels);
        }
        // Two variants of one recipe at seed 0: pooling them would test the recipes' average, not a method.
        Write(dir.Path, "byol", "resnet18", 45, epochs, temperature: 0.1, valScores: SeparatingBut(6), valLabels: Labels);
        Write(dir.Path, "byol", "resnet18", 45, epochs, temperature: 0.2, valScores: Chance, valLabels: Labels);

        var runs = RunResult.ReadAll(dir.Path);
        var family = FloorComparisons.Compute(runs, new BootstrapOptions(200)).Family("test", runs, ["natural"], ["f1"]);
        var simclr = runs.Where(r => r.Method == "simclr").ToList();
        var cell = Assert.Single(family.Tests, t => t.Runs[0].Method == "simclr");
        Assert.Equal([0, 1, 2], cell.Runs.Select(r => r.Seed));
        Assert.Equal(cell.Runs.Select(r => r.Seed), cell.Floors.Select(f => f.Seed));
        Assert.Equal(3, cell.Comparison.Seeds);
        Assert.Equal(FloorVerdict.Better, family.Verdict(simclr, "natural", "f1"));
        Assert.All(simclr, r => Assert.Same(cell, family.Of(r, "natural", "f1")));
        Assert.Equal(runs.Single(r => r.Method == "random-init" && r.Seed == 2).RunDirectory, cell.FloorOf(simclr.Single(r => r.Seed == 2)).RunDirectory);

        var byol = family.Tests.Where(t => t.Runs[0].Method == "byol").ToList();
        Assert.Equal(2, byol.Count);
        Assert.All(byol, t => Assert.Equal(1, t.Comparison.Seeds));
        Assert.Equal([FloorVerdict.Better, FloorVerdict.CannotTell], byol.Select(t => t.Verdict).Order());
        // A group spanning both variants is better only when both are.
        Assert.Equal(FloorVerdict.CannotTell, family.Verdict(runs.Where(r => r.Method == "byol"), "natural", "f1"));
        // Three tests in the family: the q-values run over the cells, not the runs.
        Assert.Equal(3, family.Tests.Count);
        var json = family.ToJson()["comparisons"]!.AsArray().Single(c => c!["method"]!.GetValue<string>() == "simclr")!;
        Assert.Equal(3, json["runs"]!.AsArray().Count);
        Assert.Equal("t over seeds and images", json["test"]!.GetValue<string>());
    }
}
