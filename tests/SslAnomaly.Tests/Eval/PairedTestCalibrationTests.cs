namespace SslAnomaly.Tests.Eval;

/// <summary>
/// The paired floor test against what it promises, by simulation: at the 5 % level it rejects about 5 % of pairs drawn
/// from one distribution, split evenly between "better" and "worse", and its 95 % interval of the difference covers a
/// known true difference about 95 % of the time. Small evaluation sets and few replicates keep it to seconds; each
/// simulation draws its data from its own seed, so the counts are fixed and the test cannot flake.
/// </summary>
public class PairedTestCalibrationTests(ITestOutputHelper output)
{
    const int Simulations = 400;
    const int Positives = 60, Negatives = 140;
    static readonly BootstrapOptions Options = new(Replicates: 200);

    /// <summary>
    /// Binary predictions with the given true and false positive rates, for <see cref="Positives"/> defects then
    /// <see cref="Negatives"/> normals; <paramref name="latent"/> couples the two models of a pair (the same image is
    /// easy or hard for both) without changing either model's rates.
    /// </summary>
    static DefectScores Predict(double[] latent, double tpr, double fpr) =>
        DefectScores.Binary(latent.Select((u, i) => (i < Positives ? u < tpr : u < fpr) ? 0.9 : 0.1).ToArray());

    static GroundTruth Truth => new(Enumerable.Range(0, Positives + Negatives).Select(i => i < Positives).ToArray());

    /// <summary>Per image, a draw shared by both models with probability <paramref name="shared"/>, else each model's own.</summary>
    static (double[] A, double[] B) Latents(Random random, double shared)
    {
        var a = new double[Positives + Negatives];
        var b = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = random.NextDouble();
            b[i] = random.NextDouble() < shared ? a[i] : random.NextDouble();
        }
        return (a, b);
    }

    /// <summary>F1 of a model with these rates in the limit of many images at this defect share.</summary>
    static double PopulationF1(double tpr, double fpr) =>
        2.0 * tpr * Positives / (2.0 * tpr * Positives + fpr * Negatives + (1 - tpr) * Positives);

    /// <summary>The counts k with P(X &lt; k) and P(X &gt; k) both at most (1 - confidence) / 2 for X ~ Binomial(n, p).</summary>
    static (int Low, int High) BinomialBand(int n, double p, double confidence)
    {
        double tail = (1 - confidence) / 2, cdf = 0;
        int low = -1, high = n;
        for (int k = 0; k <= n; k++)
        {
            cdf += Math.Exp(LogChoose(n, k) + k * Math.Log(p) + (n - k) * Math.Log(1 - p));
            if (low < 0 && cdf > tail) low = k;
            if (cdf >= 1 - tail) { high = k; break; }
        }
        return (low, high);
    }

    static double LogChoose(int n, int k)
    {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.Log(n - k + i) - Math.Log(i);
        return s;
    }

    [Fact]
    public void The_band_is_the_binomial_one() =>
        // Binomial(400, 0.05): mean 20; P(X <= 6) and P(X >= 37) are each below 0.0005 (scipy.stats.binom).
        Assert.Equal((7, 36), BinomialBand(400, 0.05, 0.999));

    [Fact]
    public void Under_no_difference_it_rejects_at_its_level_and_on_both_sides_alike()
    {
        int better = 0, worse = 0;
        for (int s = 0; s < Simulations; s++)
        {
            var (a, b) = Latents(new Random(1000 + s), shared: 0.5);
            var f1 = PairedBootstrap.Compare(Truth, Predict(a, 0.7, 0.2), Predict(b, 0.7, 0.2), Options with { Seed = s })["f1"];
            Assert.Equal(0.05, f1.Alpha, 12);
            if (f1.Verdict == FloorVerdict.Better) better++;
            if (f1.Verdict == FloorVerdict.Worse) worse++;
        }
        output.WriteLine($"{Simulations} null pairs: {better} better, {worse} worse");
        // 99.9 % binomial bands around the nominal rates: 5 % in all, 2.5 % on each side. A one-sided test would put
        // every rejection on one side and fail the second and third checks.
        var (low, high) = BinomialBand(Simulations, 0.05, 0.999);
        Assert.InRange(better + worse, low, high);
        var (sideLow, sideHigh) = BinomialBand(Simulations, 0.025, 0.999);
        Assert.InRange(better, sideLow, sideHigh);
        Assert.InRange(worse, sideLow, sideHigh);
    }

    [Fact]
    public void The_interval_of_the_difference_covers_the_true_difference_about_95_percent_of_the_time()
    {
        double truth = PopulationF1(0.75, 0.15) - PopulationF1(0.65, 0.2);
        int covered = 0, better = 0;
        for (int s = 0; s < Simulations; s++)
        {
            var (a, b) = Latents(new Random(5000 + s), shared: 0.5);
            var f1 = PairedBootstrap.Compare(Truth, Predict(a, 0.75, 0.15), Predict(b, 0.65, 0.2), Options with { Seed = s })["f1"];
            if (f1.DifferenceInterval.Low <= truth && truth <= f1.DifferenceInterval.High) covered++;
            if (f1.Verdict == FloorVerdict.Better) better++;
        }
        output.WriteLine($"true difference {truth:0.000}: covered {covered} of {Simulations}; judged better {better} times");
        var (low, high) = BinomialBand(Simulations, 0.95, 0.999);
        Assert.InRange(covered, low, high);
        // A real difference of this size is found most of the time and never reversed into "worse" by a sign error.
        Assert.True(better > Simulations / 2, $"better {better} of {Simulations}");
    }
}
