using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Eval;

/// <summary>
/// Logistic regression on standardised frozen features. Loss: mean over rows of c_i * BCE(sigmoid(x_i w + b), y_i)
/// with c_i = pos_weight = (1 - p) / p for defects and 1 for normals (p = defect share of the probe's training
/// set, i.e. BCEWithLogitsLoss(pos_weight)), plus (L2 / 2) |w|^2. Solved by full-batch L-BFGS in double
/// precision from zero, so the same features always give the same probe. Decision: probability &gt;= 0.5.
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

    public static LinearProbe Train(FeatureSet train, LinearProbeOptions? options = null)
    {
        options ??= LinearProbeOptions.Default;
        var standardizer = Standardizer.Fit(train);
        double positiveWeight = PositiveWeightFor(train.Truth.Positives, train.Rows);
        int d = train.Dim;

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor x, y, rowWeight;
        using (Native.NoCollectionScope.Enter())
        {
            x = Standardize(train, standardizer);
            y = tensor(train.Truth.Defect.Select(v => v ? 1.0 : 0.0).ToArray(), float64);
            rowWeight = (y * (positiveWeight - 1) + 1) / train.Rows;  // c_i / n
        }

        double Objective(double[] theta, double[] gradient)
        {
            // Scalar temporaries (+ b, L2 * w) must not be finalised mid-call: see NoCollectionScope.
            using var noCollection = Native.NoCollectionScope.Enter();
            using var inner = NewDisposeScope();
            var w = tensor(theta.AsSpan(0, d).ToArray(), float64);
            double b = theta[d];
            var z = mv(x, w) + b;
            // softplus(z) - y z is -log-likelihood in a form that does not overflow.
            double loss = (rowWeight * (nn.functional.softplus(z) - y * z)).sum().item<double>()
                          + options.L2 / 2 * w.dot(w).item<double>();
            var dz = rowWeight * (sigmoid(z) - y);
            var gw = mv(x.t(), dz) + options.L2 * w;
            gw.data<double>().CopyTo(gradient.AsSpan(0, d));
            gradient[d] = dz.sum().item<double>();
            return loss;
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
        using var noCollection = Native.NoCollectionScope.Enter();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = mv(Standardize(features, Standardizer), tensor(Weights, float64)) + Bias;
        return sigmoid(z).data<double>().ToArray();
    }

    public DefectScores Score(FeatureSet features) => DefectScores.Binary(PredictProbability(features));

    static Tensor Standardize(FeatureSet features, Standardizer standardizer)
    {
        var x = tensor(features.Values, [features.Rows, features.Dim], float32).to_type(float64);
        return (x - tensor(standardizer.Mean, float64)) / tensor(standardizer.Std, float64);
    }
}
