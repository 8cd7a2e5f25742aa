namespace SslAnomaly.Tests.Eval;

public class ProbeTests(ITestOutputHelper output)
{
    static FeatureSet Features(float[][] rows, bool[] labels) =>
        new(rows.SelectMany(r => r).ToArray(), rows[0].Length, rows.Select((_, i) => $"{i:D8}.png").ToArray(), new GroundTruth(labels));

    static float[][] Rows(System.Text.Json.JsonElement e) => e.EnumerateArray().Select(Fixtures.Floats).ToArray();

    [Fact]
    public void Weighted_probe_matches_sklearn_logistic_regression()
    {
        var f = Fixtures.Json("eval/probe.json");
        var train = Features(Rows(f.GetProperty("x")), f.GetProperty("y").EnumerateArray().Select(v => v.GetInt32() == 1).ToArray());
        var xTest = Rows(f.GetProperty("x_test"));
        var test = Features(xTest, new bool[xTest.Length]);

        var probe = LinearProbe.Train(train, new LinearProbeOptions(L2: f.GetProperty("l2").GetDouble(), GradientTolerance: 1e-10));

        Assert.Equal(f.GetProperty("pos_weight").GetDouble(), probe.PositiveWeight, 1e-12);
        AssertClose(Fixtures.Doubles(f.GetProperty("mean")), probe.Standardizer.Mean, 1e-10);
        AssertClose(Fixtures.Doubles(f.GetProperty("std")), probe.Standardizer.Std, 1e-10);
        var proba = probe.PredictProbability(test);
        // The exact optimum (sklearn's answer polished by Newton steps in the generator)...
        AssertClose(Fixtures.Doubles(f.GetProperty("coef")), probe.Weights, 1e-8);
        Assert.Equal(f.GetProperty("intercept").GetDouble(), probe.Bias, 1e-8);
        AssertClose(Fixtures.Doubles(f.GetProperty("proba_test")), proba, 1e-9);
        // ...and sklearn's own answer, which stops with a gradient of ~1e-6.
        AssertClose(Fixtures.Doubles(f.GetProperty("sklearn_coef")), probe.Weights, 1e-4);
        AssertClose(Fixtures.Doubles(f.GetProperty("sklearn_proba_test")), proba, 1e-5);
    }

    [Fact]
    public void Training_is_deterministic()
    {
        var rng = new Random(5);
        var labels = Enumerable.Range(0, 300).Select(_ => rng.NextDouble() < 0.1).ToArray();
        var rows = labels.Select(l => Enumerable.Range(0, 16).Select(j => (float)(rng.NextDouble() + (l && j < 3 ? 0.7 : 0))).ToArray()).ToArray();
        var a = LinearProbe.Train(Features(rows, labels));
        var b = LinearProbe.Train(Features(rows, labels));
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.Bias, b.Bias);
        Assert.True(a.Optimization.GradientNorm < 1e-5, a.Optimization.StopReason);
    }

    [Fact]
    public void Probe_needs_both_classes()
    {
        var rows = new[] { new[] { 1f, 2f }, new[] { 3f, 4f } };
        Assert.Throws<ArgumentException>(() => LinearProbe.Train(Features(rows, [false, false])));
    }

    [Fact]
    public void Lbfgs_minimises_the_rosenbrock_function()
    {
        static double Rosenbrock(double[] x, double[] g)
        {
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }
        var result = Lbfgs.Minimize(Rosenbrock, [-1.2, 1.0], new LbfgsOptions(MaxIterations: 500, GradientTolerance: 1e-8));
        Assert.True(result.Converged, result.StopReason);
        Assert.Equal(1, result.X[0], 1e-6);
        Assert.Equal(1, result.X[1], 1e-6);
    }

    void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = GoldenDeviation.Of(expected, actual).Worst;
        output.WriteLine($"max |deviation| {worst:E2} (tolerance {tolerance:E0})");
        Assert.True(worst <= tolerance, $"max deviation {worst:E3} > {tolerance:E1}");
    }
}
