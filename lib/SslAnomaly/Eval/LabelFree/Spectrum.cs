using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// The eigenspectrum the spectral label-free metrics share: eigenvalues of the feature covariance
/// (rows centred, divided by N), in double precision on the CPU, largest first, negatives from round-off clipped to 0.
/// </summary>
public static class Spectrum
{
    public static double[] CovarianceEigenvalues(Tensor features)
    {
        RequireMatrix(features, "a covariance spectrum");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = features.detach().to(CPU).to_type(float64);
        var centred = z - z.mean([0], keepdim: true);
        var covariance = centred.t().matmul(centred) / z.shape[0];
        var eigenvalues = linalg.eigvalsh(covariance).data<double>().ToArray();
        return eigenvalues.Select(v => Math.Max(v, 0)).OrderDescending().ToArray();
    }

    /// <summary>Singular values of the row-centred matrix, largest first.</summary>
    public static double[] CentredSingularValues(Tensor features)
    {
        RequireMatrix(features, "singular values");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = features.detach().to(CPU).to_type(float64);
        return linalg.svdvals(z - z.mean([0], keepdim: true)).data<double>().ToArray().OrderDescending().ToArray();
    }

    /// <summary>exp of the Shannon entropy of p_k = v_k / sum(v) + eps (RankMe's and LiDAR's form; eps = 0 is Roy and Vetterli's).</summary>
    public static double EntropyRank(IReadOnlyList<double> values, double eps)
    {
        double l1 = values.Sum(Math.Abs);
        if (l1 == 0 || !double.IsFinite(l1)) return double.NaN;
        double entropy = 0;
        foreach (var v in values)
        {
            double p = Math.Abs(v) / l1 + eps;
            if (p > 0) entropy -= p * Math.Log(p);
        }
        return Math.Exp(entropy);
    }

    internal static void RequireMatrix(Tensor t, string what)
    {
        if (t.dim() != 2) throw new ArgumentException($"{what} needs an [N, D] matrix, got shape [{string.Join(", ", t.shape)}].");
        if (t.shape[0] < 2) throw new ArgumentException($"{what} needs at least 2 rows, got {t.shape[0]}.");
    }
}
