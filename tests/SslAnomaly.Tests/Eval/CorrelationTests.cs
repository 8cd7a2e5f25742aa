using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Eval;

public class CorrelationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("continuous")]
    [InlineData("ties")]
    public void Spearman_and_kendall_tau_b_match_scipy(string name)
    {
        var c = Fixtures.Json("eval/correlation.json").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var x = Fixtures.Doubles(c.GetProperty("x"));
        var y = Fixtures.Doubles(c.GetProperty("y"));
        output.WriteLine($"spearman |deviation| {Math.Abs(c.GetProperty("spearman").GetDouble() - Correlation.Spearman(x, y)):E2}, " +
            $"kendall |deviation| {Math.Abs(c.GetProperty("kendall_tau_b").GetDouble() - Correlation.KendallTauB(x, y)):E2}");
        Assert.Equal(c.GetProperty("spearman").GetDouble(), Correlation.Spearman(x, y), 1e-12);
        Assert.Equal(c.GetProperty("kendall_tau_b").GetDouble(), Correlation.KendallTauB(x, y), 1e-12);
    }

    [Fact]
    public void Hand_computed_small_cases()
    {
        // Perfectly monotone: both 1; reversed: both -1.
        double[] x = [1, 2, 3, 4], up = [10, 20, 25, 100], down = [4, 3, 2, 1];
        Assert.Equal(1, Correlation.Spearman(x, up), 1e-15);
        Assert.Equal(1, Correlation.KendallTauB(x, up), 1e-15);
        Assert.Equal(-1, Correlation.KendallTauB(x, down), 1e-15);
        // x = [1,2,3], y = [1,1,2]: concordant pairs (1,3), (2,3); tie in y for (1,2): tau-b = 2 / sqrt(3 * 2).
        Assert.Equal(2 / Math.Sqrt(6), Correlation.KendallTauB([1, 2, 3], [1, 1, 2]), 1e-15);
        Assert.Equal([1.5, 1.5, 3], Correlation.AverageRanks([5, 5, 7]));
        Assert.True(double.IsNaN(Correlation.Spearman([1, 2, 3], [2, 2, 2])));
    }

    [Fact]
    public void Bootstrap_interval_is_seeded_and_brackets_a_strong_correlation()
    {
        var rng = new Random(1);
        var x = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
        var y = x.Select(v => v + rng.NextDouble() * 5).ToArray();
        var options = new BootstrapOptions(Replicates: 300, Seed: 9);
        var (a, _) = Correlation.BootstrapInterval(x, y, Correlation.Spearman, options);
        var (b, _) = Correlation.BootstrapInterval(x, y, Correlation.Spearman, options);
        var (c, _) = Correlation.BootstrapInterval(x, y, Correlation.Spearman, options with { Seed = 10 });
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        double rho = Correlation.Spearman(x, y);
        Assert.InRange(rho, a.Low, a.High);
        Assert.True(a.Low > 0.8, $"{a}");
    }

    [Fact]
    public void Rankme_correlation_per_validation_subset_and_figure7_rescaling()
    {
        static MetricsReport Report(double f1) => MetricsReport.From(new DefectMetrics(10, 5, f1, f1, f1, f1, f1, f1, [], 0.5, 0.5));
        var runs = new[]
        {
            RunResults.Of("SimCLR", "resnet18", 1, rankMe: 100, metrics: new Dictionary<string, MetricsReport> { ["1"] = Report(0.1), ["natural"] = Report(0.9) }),
            RunResults.Of("BYOL", "resnet18", 1, rankMe: 200, metrics: new Dictionary<string, MetricsReport> { ["1"] = Report(0.2), ["natural"] = Report(0.8) }),
            RunResults.Of("DINO", "vit-tiny", 1, rankMe: 50, metrics: new Dictionary<string, MetricsReport> { ["1"] = Report(0.05), ["natural"] = Report(0.7) }),
            RunResults.Of("Supervised", "resnet18", 1, rankMe: null, metrics: new Dictionary<string, MetricsReport> { ["1"] = Report(0.5) }),
        };

        var rows = RankMeCorrelation.Compute(runs, bootstrap: new BootstrapOptions(Replicates: 50));
        Assert.Equal(["1", "natural"], rows.Select(r => r.ValidationKey));
        Assert.All(rows, r => Assert.Equal(3, r.Runs));  // the run without RankMe is left out
        Assert.Equal(1, rows[0].Spearman, 1e-15);       // RankMe 50 < 100 < 200, F1 0.05 < 0.1 < 0.2
        Assert.Equal(0.5, rows[1].Spearman, 1e-15);     // ranks (2,3,1) vs (3,2,1): 1 - 6*2/(3*8) = 0.5

        var points = RankMeRescaling.Figure7(runs);
        Assert.Equal([1.0 / 3, 1, 0], points.Select(p => p.RescaledRankMe));
        Assert.Equal([0.9, 0.8, 0.7], points.Select(p => p.Value));
        Assert.Equal([0.5, 0.5], RankMeRescaling.MinMax([3, 3]));
    }
}
