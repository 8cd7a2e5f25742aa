using SslAnomaly.Data;
using SslAnomaly.Reporting;
using static SslAnomaly.Tests.Analysis.FakeRunFolders;

namespace SslAnomaly.Tests.Reporting;

/// <summary>
/// Two sides of runs compared on the same images: two-sided, seen from side B, over the images for one pair and over seeds
/// and images for several; runs that cannot be paired are refused by name.
/// </summary>
public class RunComparisonTests
{
    static readonly Epoch[] Epochs = [new(new Dictionary<string, double>(), 0.5, 1)];

    /// <summary>Scores that separate the classes, except on every <paramref name="miss"/>-th image.</summary>
    static double[] SeparatingBut(int miss) => Labels.Select((l, i) => (l ^ (i % miss == 1)) ? 0.8 : 0.2).ToArray();

    static string Run(string root, string name, double[] testScores, int seed = 0) =>
        Write(root, "simclr", "resnet18", 45, Epochs, seed: seed, valScores: Chance, valLabels: Labels,
            test: new TestSplit(0.5, testScores, Labels), name: name);

    [Fact]
    public void A_better_side_b_is_higher_a_worse_one_lower_and_the_same_runs_cannot_be_told_apart()
    {
        using var dir = new TempDir();
        string chance = Run(dir.Path, "chance", Chance), good = Run(dir.Path, "good", SeparatingBut(7)), copy = Run(dir.Path, "copy", SeparatingBut(7));
        var options = new BootstrapOptions(300);

        var higher = Assert.Single(RunComparison.Compare([chance], [good], SewerMlSplit.Test, "natural", ["f1"], options));
        Assert.Equal(FloorVerdict.Better, higher.Verdict);
        Assert.Equal("B higher", higher.Words);
        Assert.True(higher.Difference > 0.3 && higher.Interval.Low > 0, higher.Describe());
        Assert.Equal(higher.B - higher.A, higher.Difference, 12);
        Assert.Equal(1, higher.Seeds);

        var lower = Assert.Single(RunComparison.Compare([good], [chance], SewerMlSplit.Test, "natural", ["f1"], options));
        Assert.Equal(FloorVerdict.Worse, lower.Verdict);
        Assert.Equal(-higher.Difference, lower.Difference, 12);

        // The same scores on both sides: no difference on any replicate, p = 1.
        var same = RunComparison.Compare([good], [copy], SewerMlSplit.Test, "natural", ["f1", "auprc"], options);
        Assert.All(same, line => Assert.Equal((FloorVerdict.CannotTell, 0.0, 1.0), (line.Verdict, line.Difference, line.PValue)));
        Assert.Contains("cannot be told apart", same[0].Describe());
    }

    [Fact]
    public void Several_pairs_are_one_test_over_seeds_and_images()
    {
        using var dir = new TempDir();
        var a = new[] { 0, 1, 2 }.Select(s => Run(dir.Path, $"a{s}", Chance, s)).ToList();
        var b = new[] { 0, 1, 2 }.Select(s => Run(dir.Path, $"b{s}", SeparatingBut(5 + s), s)).ToList();
        var line = Assert.Single(RunComparison.Compare(a, b, SewerMlSplit.Test, "natural", ["f1"], new BootstrapOptions(200)));
        Assert.Equal(3, line.Seeds);
        Assert.Equal(FloorVerdict.Better, line.Verdict);
    }

    [Fact]
    public void Runs_that_cannot_be_paired_are_refused_by_name()
    {
        using var dir = new TempDir();
        string one = Run(dir.Path, "one", Chance), two = Run(dir.Path, "two", Chance);
        Assert.Contains("same number", Assert.Throws<UserInputException>(() => RunComparison.Compare([one], [one, two], SewerMlSplit.Test, "natural", ["f1"])).Message);
        Assert.Contains("unknown metric 'f3'", Assert.Throws<UserInputException>(() => RunComparison.Compare([one], [two], SewerMlSplit.Test, "natural", ["f3"])).Message);
        Assert.Contains($"{dir.File("missing")} holds no result.json", Assert.Throws<UserInputException>(() => RunComparison.Compare([one], [dir.File("missing")], SewerMlSplit.Test, "natural", ["f1"])).Message);
        Assert.Contains("no test subset '3'", Assert.Throws<UserInputException>(() => RunComparison.Compare([one], [two], SewerMlSplit.Test, "3", ["f1"])).Message);
    }
}
