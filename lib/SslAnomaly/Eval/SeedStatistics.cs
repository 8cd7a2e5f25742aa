namespace SslAnomaly.Eval;

/// <summary>
/// A cell's statistics over its seeds: the mean of a metric with its interval, and the mean difference from the floor
/// with its two-sided test. Each seed gives one value (its metric, or its difference from the floor of the same seed on
/// the same images), and the cell's value is their mean. Its error has two parts:
/// <list type="bullet">
/// <item>the spread of the seeds' values, s^2 / n, which holds the training runs and each run's own luck on the images;</item>
/// <item>the luck the seeds share, when they were scored on the same images (one evaluated subset): an easy draw of
/// images lifts every seed at once, which their spread cannot show. It is the mean covariance between two seeds' values
/// over a stratified bootstrap that draws one set of images for all seeds (0 when each seed has images of its own).</item>
/// </list>
/// Intervals and tests use Student's t at n - 1 degrees of freedom, two-sided at the bootstrap options' level.
/// <para>Why not resample seeds: three seeds give ten distinct resamples, and when seeds disagree more than images do,
/// a percentile interval of their mean excludes a value whenever the three lie on one side of it, a quarter of the time
/// for the floor's difference under no effect at all. The calibration tests check the level with seeds that disagree
/// and with images that every seed finds easy or hard alike.</para>
/// With one seed both are the image-level bootstraps (<see cref="StratifiedBootstrap"/>, <see cref="PairedBootstrap"/>).
/// </summary>
public static class SeedStatistics
{
    /// <summary>The mean over seeds of every scalar metric (<see cref="DefectMetrics.ScalarNames"/>) with its interval.
    /// A metric undefined on some seed has a NaN interval.</summary>
    /// <param name="sameImages">Every seed was scored on the same images in the same order (one evaluated subset), so an
    /// image draw is shared by all of them; otherwise each seed's images count as its own.</param>
    public static IReadOnlyDictionary<string, (double Mean, ConfidenceInterval Interval)> MeanIntervals(IReadOnlyList<EvaluationSet> seeds, bool sameImages,
        BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is needed", nameof(seeds));
        var observed = seeds.Select(s => s.Evaluate()).ToList();
        if (seeds.Count == 1)
        {
            var intervals = StratifiedBootstrap.Intervals(seeds[0], options);
            return DefectMetrics.ScalarNames.ToDictionary(name => name, name => (observed[0].Scalar(name), intervals[name]));
        }
        RequireSharedLabels(seeds.Select(s => s.Truth), sameImages);
        var replicates = ImageReplicates(seeds[0].Truth, seeds.Count, sameImages, options, (s, m) => Scalars(seeds[s].Evaluate(m)));
        return DefectMetrics.ScalarNames.Select((name, k) =>
        {
            var (mean, interval, _) = Combined(observed.Select(o => o.Scalar(name)).ToArray(), SharedVariance(replicates, k, seeds.Count, out _), options.Level);
            return (name, mean, interval);
        }).ToDictionary(x => x.name, x => (x.mean, x.interval));
    }

    /// <summary>The cell against its floor, seed by seed on the same images, for every scalar metric: observed values are
    /// means over seeds, and the difference comes with its interval and two-sided p. A metric undefined on some seed is
    /// undefined for the cell (NaN, no verdict).</summary>
    /// <param name="sameImages">As for <see cref="MeanIntervals"/>.</param>
    public static IReadOnlyDictionary<string, PairedComparison> CompareWithFloor(IReadOnlyList<(EvaluationSet Method, EvaluationSet Floor)> seeds,
        bool sameImages, BootstrapOptions? options = null)
    {
        options ??= BootstrapOptions.Default;
        options.Validate();
        if (seeds.Count == 0) throw new ArgumentException("at least one seed is needed", nameof(seeds));
        if (seeds.Count == 1) return PairedBootstrap.Compare(seeds[0].Method, seeds[0].Floor, options);
        foreach (var (method, floor) in seeds) PairedBootstrap.RequireSameRows(method, floor);
        RequireSharedLabels(seeds.Select(s => s.Method.Truth), sameImages);

        var names = DefectMetrics.ScalarNames;
        var replicates = ImageReplicates(seeds[0].Method.Truth, seeds.Count, sameImages, options, (s, m) => Difference(seeds[s].Method.Evaluate(m), seeds[s].Floor.Evaluate(m)));
        var observed = seeds.Select(s => (Method: s.Method.Evaluate(), Floor: s.Floor.Evaluate())).ToList();
        return names.Select((name, k) =>
        {
            var methods = observed.Select(o => o.Method.Scalar(name)).ToArray();
            var floors = observed.Select(o => o.Floor.Scalar(name)).ToArray();
            var (difference, interval, p) = Combined(methods.Zip(floors, (m, f) => m - f).ToArray(), SharedVariance(replicates, k, seeds.Count, out int used), options.Level);
            var favours = difference > 0 ? FloorVerdict.Better : difference < 0 ? FloorVerdict.Worse : FloorVerdict.CannotTell;
            return new PairedComparison(name, methods.Average(), floors.Average(), difference, interval, p, favours, used) { Seeds = seeds.Count };
        }).ToDictionary(c => c.Metric);
    }

    static double[] Scalars(DefectMetrics metrics) => DefectMetrics.ScalarNames.Select(metrics.Scalar).ToArray();

    static double[] Difference(DefectMetrics method, DefectMetrics floor) =>
        DefectMetrics.ScalarNames.Select(name => method.Scalar(name) - floor.Scalar(name)).ToArray();

    static void RequireSharedLabels(IEnumerable<GroundTruth> truths, bool sameImages)
    {
        var all = truths.ToList();
        if (sameImages && all.Any(t => !t.Defect.AsSpan().SequenceEqual(all[0].Defect)))
            throw new ArgumentException("seeds said to share their images have different labels", nameof(sameImages));
    }

    /// <summary>Each seed's values on each replicate's one draw of images for all seeds: [metric, seed, replicate]; none
    /// (zero replicates) when the seeds do not share their images.</summary>
    static double[,,] ImageReplicates(GroundTruth truth, int seedCount, bool sameImages, BootstrapOptions options, Func<int, int[], double[]> values)
    {
        var names = DefectMetrics.ScalarNames;
        if (!sameImages) return new double[names.Count, seedCount, 0];
        var result = new double[names.Count, seedCount, options.Replicates];
        var positives = Enumerable.Range(0, truth.Count).Where(i => truth.Defect[i]).ToArray();
        var negatives = Enumerable.Range(0, truth.Count).Where(i => !truth.Defect[i]).ToArray();
        Parallel.For(0, options.Replicates, r =>
        {
            var multiplicity = new int[truth.Count];
            StratifiedBootstrap.Resample(new Random(options.ReplicateSeed(r)), positives, negatives, multiplicity);
            for (int s = 0; s < seedCount; s++)
            {
                var v = values(s, multiplicity);
                for (int k = 0; k < names.Count; k++) result[k, s, r] = v[k];
            }
        });
        return result;
    }

    /// <summary>The mean covariance over pairs of distinct seeds across the replicates where every seed's value is
    /// defined, floored at 0 (a negative estimate is noise: images shared cannot make seeds disagree on average); 0
    /// without replicates (seeds with images of their own).</summary>
    static double SharedVariance(double[,,] replicates, int metric, int seedCount, out int used)
    {
        int count = replicates.GetLength(2);
        var defined = Enumerable.Range(0, count).Where(r => Enumerable.Range(0, seedCount).All(s => double.IsFinite(replicates[metric, s, r]))).ToArray();
        used = defined.Length;
        if (count == 0) return 0;
        if (defined.Length < 2) return double.NaN;
        var means = Enumerable.Range(0, seedCount).Select(s => defined.Average(r => replicates[metric, s, r])).ToArray();
        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < seedCount; a++)
            for (int b = a + 1; b < seedCount; b++, pairs++)
                sum += defined.Sum(r => (replicates[metric, a, r] - means[a]) * (replicates[metric, b, r] - means[b])) / (defined.Length - 1);
        return Math.Max(0, sum / pairs);
    }

    /// <summary>
    /// The mean of the seeds' <paramref name="values"/>, its t interval at <paramref name="level"/> and the two-sided p of
    /// "mean 0", with the standard error sqrt(s^2 / n + <paramref name="sharedVariance"/>) and n - 1 degrees of freedom.
    /// A zero standard error gives a zero-width interval: p 1 at 0, else 0.
    /// </summary>
    public static (double Mean, ConfidenceInterval Interval, double P) Combined(IReadOnlyList<double> values, double sharedVariance, double level)
    {
        int n = values.Count;
        if (n < 2) throw new ArgumentException("statistics over seeds need at least two of them", nameof(values));
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(d => (d - mean) * (d - mean)) / (n - 1));
        double se = Math.Sqrt(sd * sd / n + sharedVariance);
        if (!double.IsFinite(mean) || !double.IsFinite(se)) return (double.NaN, new ConfidenceInterval(double.NaN, double.NaN, level), double.NaN);
        if (se == 0) return (mean, new ConfidenceInterval(mean, mean, level), mean == 0 ? 1 : 0);
        double half = StudentT.Quantile(1 - (1 - level) / 2, n - 1) * se;
        return (mean, new ConfidenceInterval(mean - half, mean + half, level), StudentT.TwoSidedP(mean / se, n - 1));
    }
}
