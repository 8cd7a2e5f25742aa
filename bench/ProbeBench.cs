using System.Diagnostics;
using SslAnomaly.Eval;

namespace SslAnomaly.Bench;

/// <summary>The probe's cost for one feature set.</summary>
public sealed record ProbeResult(int Rows, int Dim, double TrainSeconds, double PredictSeconds, int Iterations, bool Converged);

/// <summary>
/// Linear-probe time: <see cref="LinearProbe.Train"/> (standardise, weighted logistic regression by full-batch L-BFGS in
/// float64, default options) on frozen-feature-like data, then scoring the same rows. Features are Gaussian with a small
/// class shift along a few directions and a 5 % defect share, the regime of the paper's imbalanced probes.
/// </summary>
public static class ProbeBench
{
    public static ProbeResult Run(int rows, int dim, int seed = 3)
    {
        var random = new Random(seed);
        var values = new float[rows * dim];
        var defect = new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            defect[r] = random.NextDouble() < 0.05;
            for (int d = 0; d < dim; d++)
            {
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                double normal = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                values[r * dim + d] = (float)(normal + (defect[r] && d % 16 == 0 ? 0.8 : 0));
            }
        }
        var set = new FeatureSet(values, dim, Enumerable.Range(0, rows).Select(i => $"{i:D7}.png").ToArray(), new GroundTruth(defect));
        var clock = Stopwatch.StartNew();
        var probe = LinearProbe.Train(set);
        double train = clock.Elapsed.TotalSeconds;
        clock.Restart();
        probe.PredictProbability(set);
        double predict = clock.Elapsed.TotalSeconds;
        return new ProbeResult(rows, dim, train, predict, probe.Optimization.Iterations, probe.Optimization.Converged);
    }
}
