namespace SslAnomaly.Eval;

/// <summary>
/// Logistic regression on standardised frozen features. Loss: mean over rows of c_i * BCE(sigmoid(x_i w + b), y_i)
/// with c_i = pos_weight = (1 - p) / p for defects and 1 for normals (p = defect share of the probe's training
/// set, i.e. BCEWithLogitsLoss(pos_weight)), plus (L2 / 2) |w|^2. Solved by full-batch L-BFGS in double
/// precision from zero, with every sum taken in one fixed order (<see cref="DenseMath"/>), so the same features give the
/// same probe bit for bit in any process: a BLAS picks its code path by memory alignment at run time, and through libtorch's
/// MKL the same probe gave probabilities up to 1.8e-3 apart in two processes, enough to flip predictions at the threshold.
/// Decision: probability &gt;= 0.5.
/// </summary>
public sealed class LinearProbe
{
    LinearProbe(Standardizer standardizer, double[] weights, double bias, double positiveWeight, LbfgsResult optimization)
    {
        Standardizer = standardizer;
        Weights = weights;
        Bias = bias;
        PositiveWeight = positiveWeight;
        Optimization = optimization;
    }

    public Standardizer Standardizer { get; }
    /// <summary>Weights on the standardised features.</summary>
    public double[] Weights { get; }
    public double Bias { get; }
    public double PositiveWeight { get; }
    public LbfgsResult Optimization { get; }

    /// <summary>pos_weight = (1 - p) / p for defect share p: both classes then carry equal total weight.</summary>
    public static double PositiveWeightFor(int positives, int total)
    {
        if (positives <= 0 || positives >= total)
            throw new ArgumentException($"The probe needs both classes in its training set; it has {positives} defects among {total} rows.");
        double p = (double)positives / total;
        return (1 - p) / p;
    }

    /// <summary>Rows per block of the objective's sums: fixed, so the order of additions does not depend on the thread count.</summary>
    const int ProbeBlockRows = 256;

    public static LinearProbe Train(FeatureSet train, LinearProbeOptions? options = null)
    {
        options ??= LinearProbeOptions.Default;
        var standardizer = Standardizer.Fit(train);
        double positiveWeight = PositiveWeightFor(train.Truth.Positives, train.Rows);
        int n = train.Rows, d = train.Dim;
        var x = Standardize(train, standardizer);
        var y = train.Truth.Defect.Select(v => v ? 1.0 : 0.0).ToArray();
        var rowWeight = y.Select(v => (v * (positiveWeight - 1) + 1) / n).ToArray(); // c_i / n

        // Rows in fixed blocks, each summed on its own and the blocks added in order: the same bits whatever the threads.
        int blocks = (n + ProbeBlockRows - 1) / ProbeBlockRows;
        var blockGradients = new double[blocks][];
        var blockLoss = new double[blocks];

        double Objective(double[] theta, double[] gradient)
        {
            double b = theta[d];
            Parallel.For(0, blocks, block =>
            {
                var w = theta.AsSpan(0, d);
                var gw = (blockGradients[block] ??= new double[d + 1]).AsSpan();
                gw.Clear();
                double loss = 0;
                for (int i = block * ProbeBlockRows, end = Math.Min(n, i + ProbeBlockRows); i < end; i++)
                {
                    var row = x.AsSpan(i * d, d);
                    double zi = DenseMath.Dot(row, w) + b;
                    // softplus(z) - y z is -log-likelihood in a form that does not overflow.
                    loss += rowWeight[i] * (Softplus(zi) - y[i] * zi);
                    double dz = rowWeight[i] * (Sigmoid(zi) - y[i]);
                    DenseMath.AddScaled(gw[..d], row, dz);
                    gw[d] += dz;
                }
                blockLoss[block] = loss;
            });
            Array.Clear(gradient);
            double total = 0;
            for (int block = 0; block < blocks; block++)
            {
                DenseMath.AddScaled(gradient, blockGradients[block], 1);
                total += blockLoss[block];
            }
            var weights = theta.AsSpan(0, d);
            DenseMath.AddScaled(gradient.AsSpan(0, d), weights, options.L2);
            return total + options.L2 / 2 * DenseMath.Dot(weights, weights);
        }

        var result = Lbfgs.Minimize(Objective, new double[d + 1],
            new LbfgsOptions(MaxIterations: options.MaxIterations, GradientTolerance: options.GradientTolerance));
        return new LinearProbe(standardizer, result.X[..d], result.X[d], positiveWeight, result);
    }

    /// <summary>Defect probability of every row.</summary>
    public double[] PredictProbability(FeatureSet features)
    {
        if (features.Dim != Weights.Length)
            throw new ArgumentException($"The probe was trained on {Weights.Length}-dim features, not {features.Dim}.", nameof(features));
        var x = Standardize(features, Standardizer);
        int d = features.Dim;
        return Enumerable.Range(0, features.Rows).Select(i => Sigmoid(DenseMath.Dot(x.AsSpan(i * d, d), Weights) + Bias)).ToArray();
    }

    public DefectScores Score(FeatureSet features) => DefectScores.Binary(PredictProbability(features));

    /// <summary>Rows of (x - mean) / std, row-major, in double precision.</summary>
    static double[] Standardize(FeatureSet features, Standardizer standardizer)
    {
        int d = features.Dim;
        var x = new double[features.Values.Length];
        for (int i = 0; i < x.Length; i++) x[i] = (features.Values[i] - standardizer.Mean[i % d]) / standardizer.Std[i % d];
        return x;
    }

    static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));

    static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
