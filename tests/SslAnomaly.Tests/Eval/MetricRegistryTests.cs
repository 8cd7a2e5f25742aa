namespace SslAnomaly.Tests.Eval;

public class MetricRegistryTests
{
    [Fact]
    public void Every_metric_reads_the_same_value_from_the_metrics_and_from_their_report()
    {
        var rng = new Random(3);
        var masks = Enumerable.Range(0, 300).Select(_ => rng.NextDouble() < 0.3 ? 1 << rng.Next(17) : 0).ToArray();
        var scores = masks.Select(m => Math.Clamp((m != 0 ? 0.3 : 0) + rng.NextDouble() * 0.7, 0, 1)).ToArray();
        var set = new EvaluationSet(GroundTruth.FromCodeMasks(masks), DefectScores.Binary(scores));
        var metrics = set.Evaluate();
        var report = MetricsReport.From(metrics, StratifiedBootstrap.Intervals(set, new BootstrapOptions(50)));
        Assert.Equal(Metric.All.Select(m => m.Name), DefectMetrics.ScalarNames);
        Assert.Equal(Metric.All.Count, Metric.All.Select(m => m.Name).Distinct().Count());
        foreach (var metric in Metric.All)
        {
            Assert.Equal(metric.Of(metrics), report.Scalar(metric)!.Value, 12);
            Assert.Equal(2, report.Interval(metric)!.Count);
            Assert.Same(metric, Metric.Get(metric.Name));
            Assert.False(string.IsNullOrWhiteSpace(metric.Display));
        }
        Assert.Equal([Metric.Auroc, Metric.Auprc], Metric.All.Where(m => m.ThresholdFree));
        Assert.Contains("known: f1, f2_ciw", Assert.Throws<ArgumentException>(() => Metric.Get("f3")).Message);
        Assert.Equal(("F2_CIW", "0.500", "–"), (Metric.DisplayOf("f2_ciw"), Metric.F1.Print(0.5), Metric.F1.Print(double.NaN)));
        Assert.True(Metric.F1.Better(0.6, 0.5));
    }
}
