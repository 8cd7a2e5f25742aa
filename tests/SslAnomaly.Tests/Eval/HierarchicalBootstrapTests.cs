namespace SslAnomaly.Tests.Eval;

public class HierarchicalBootstrapTests
{
    /// <summary>A run whose probe separates defects from normals by <paramref name="separation"/> (0: chance).</summary>
    static EvaluationSet Run(int n, double share, double separation, int seed)
    {
        var rng = new Random(seed);
        var masks = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < share ? 1 << rng.Next(17) : 0).ToArray();
        var scores = masks.Select(m => Math.Clamp((m != 0 ? separation : 0) + rng.NextDouble() * (1 - separation), 0, 1)).ToArray();
        return new EvaluationSet(GroundTruth.FromCodeMasks(masks), DefectScores.Binary(scores));
    }

    [Fact]
    public void The_mean_is_over_runs_and_the_interval_holds_it_and_is_seeded()
    {
        var runs = new[] { Run(600, 0.3, 0.3, 1), Run(600, 0.3, 0.35, 2), Run(600, 0.3, 0.4, 3) };
        var options = new BootstrapOptions(300, Seed: 5);
        var result = HierarchicalBootstrap.MeanIntervals(runs, options);
        Assert.Equal(DefectMetrics.ScalarNames.Order(), result.Keys.Order());
        var (mean, interval) = result["f1"];
        Assert.Equal(runs.Average(r => r.Evaluate().F1), mean, 12);
        Assert.InRange(mean, interval.Low, interval.High);
        Assert.Equal(interval, HierarchicalBootstrap.MeanIntervals(runs, options)["f1"].Interval);
    }

    [Fact]
    public void Runs_that_differ_widen_the_interval_beyond_what_images_alone_give()
    {
        var options = new BootstrapOptions(400, Seed: 1);
        // Three seeds of one model on fresh images against three seeds that trained very different models.
        var alike = new[] { Run(800, 0.3, 0.4, 1), Run(800, 0.3, 0.4, 2), Run(800, 0.3, 0.4, 3) };
        var apart = new[] { Run(800, 0.3, 0.1, 1), Run(800, 0.3, 0.4, 2), Run(800, 0.3, 0.7, 3) };
        double Width(EvaluationSet[] runs) => HierarchicalBootstrap.MeanIntervals(runs, options)["f1"].Interval is var i ? i.High - i.Low : double.NaN;
        Assert.True(Width(apart) > 2 * Width(alike), $"apart {Width(apart):F3}, alike {Width(alike):F3}");
        // Every seed's own value lies within reach: the interval spans most of the spread of the three.
        var values = apart.Select(r => r.Evaluate().F1).Order().ToArray();
        var spread = HierarchicalBootstrap.MeanIntervals(apart, options)["f1"].Interval;
        Assert.True(spread.Low < values[1] && spread.High > values[1]);
        Assert.True(spread.High - spread.Low > (values[2] - values[0]) / 3);
    }

    [Fact]
    public void One_run_gives_an_image_interval_like_the_stratified_bootstrap()
    {
        var run = Run(1000, 0.2, 0.3, 7);
        var options = new BootstrapOptions(1000, Seed: 2);
        var hierarchical = HierarchicalBootstrap.MeanIntervals([run], options)["f1"].Interval;
        var stratified = StratifiedBootstrap.Intervals(run, options)["f1"];
        Assert.Equal(stratified.High - stratified.Low, hierarchical.High - hierarchical.Low, 2);
        Assert.Equal(stratified.Low, hierarchical.Low, 1);
    }
}
