using System.Diagnostics;
using SslAnomaly.Eval.OneClass;
using static SslAnomaly.Tests.Eval.OneClass.OneClassData;

namespace SslAnomaly.Tests.Eval.OneClass;

/// <summary>
/// What the study costs at full size (a 5,000 x 512 pool, 3,000 evaluated images): a measurement, not a check, so it
/// runs only when asked (SSL_ANOMALY_ONECLASS_COST=1) and prints its timings. docs/one-class.md quotes them.
/// </summary>
public class OneClassCostTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Detectors_on_a_full_size_pool()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("SSL_ANOMALY_ONECLASS_COST") == "1", "a timing, run with SSL_ANOMALY_ONECLASS_COST=1");
        var pool = Synthetic(5000, 0.05, 512, seed: 1);
        var evaluated = Synthetic(3000, 0.15, 512, seed: 2);
        output.WriteLine($"{Environment.ProcessorCount} cores, Vector<double> of {System.Numerics.Vector<double>.Count}");
        // Wall time on a shared machine says little; the process's CPU time is what the work costs.
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        string Took(Stopwatch c)
        {
            process.Refresh();
            var used = process.TotalProcessorTime - cpu;
            cpu = process.TotalProcessorTime;
            return $"{c.Elapsed.TotalSeconds:F2} s wall, {used.TotalSeconds:F2} s CPU";
        }

        var clock = Stopwatch.StartNew();
        var knn = KnnDetector.Fit(pool, 5);
        var knnScores = knn.Score(evaluated);
        output.WriteLine($"kNN, 5,000 reference x 3,000 queries: {Took(clock)}");

        clock.Restart();
        var gaussian = GaussianDetector.Fit(pool);
        output.WriteLine($"Gaussian fit (mean, Ledoit-Wolf covariance, Cholesky, inverse) on 5,000: {Took(clock)}");
        clock.Restart();
        gaussian.Score(evaluated);
        output.WriteLine($"Mahalanobis, 3,000 queries: {Took(clock)}");

        // The blocked kernel against one Dot per pair, single-threaded, on 500 of the queries.
        var a = KnnDetector.UnitRows(evaluated, 0, 500);
        var b = KnnDetector.UnitRows(pool, 0, pool.Rows);
        var product = new double[500 * pool.Rows];
        clock.Restart();
        DenseMath.MultiplyByTranspose(a, b, 512, product);
        output.WriteLine($"500 x 5,000 products, blocked kernel, one thread: {Took(clock)}");
        clock.Restart();
        for (int i = 0; i < 500; i++)
            for (int j = 0; j < pool.Rows; j++) product[i * pool.Rows + j] = DenseMath.Dot(a.AsSpan(i * 512, 512), b.AsSpan(j * 512, 512));
        output.WriteLine($"500 x 5,000 products, one Dot per pair, one thread: {Took(clock)}");

        var subsets = new[] { ValidationSubset.Natural(evaluated) };
        clock.Restart();
        OneClassEvaluation.Evaluate(pool, evaluated, subsets, new OneClassOptions(LabelBudgets: []), 0, intervals: false);
        output.WriteLine($"both detectors x both pools, thresholds and grid (one subset, no bootstrap): {Took(clock)}");
        clock.Restart();
        ImbalanceGrid.Evaluate(DefectScores.Thresholded(knnScores, 0.5), evaluated, subsets);
        output.WriteLine($"one grid column with 1,000 bootstrap replicates: {Took(clock)}");
        clock.Restart();
        LabelEfficiency.Train(pool, OneClassOptions.Default.LabelBudgets, 0);
        output.WriteLine($"label-efficiency probes (10, 30, 100 of 250 defects, and all): {Took(clock)}");
    }
}
