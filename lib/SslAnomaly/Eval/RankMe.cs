using static TorchSharp.torch;

namespace SslAnomaly.Eval;

/// <summary>
/// RankMe (Garrido et al., ICML 2023): the effective rank of an embedding matrix,
/// exp(-sum_k p_k log p_k) with p_k = sigma_k / ||sigma||_1 + eps over the singular values of the raw
/// [N, D] matrix (no centring, no normalisation), eps = 1e-7, at most 25,600 samples (the paper's setting).
/// It lies in (0, min(N, D)] up to the eps term.
/// </summary>
public static class RankMe
{
    public const double Epsilon = 1e-7;
    public const int MaxSamples = 25_600;

    /// <summary>RankMe of the first <paramref name="maxSamples"/> rows of <paramref name="embeddings"/> [N, D]
    /// (the monitoring sample is fixed, so its first rows are a fixed subset).</summary>
    public static double Compute(Tensor embeddings, int maxSamples = MaxSamples, double eps = Epsilon)
    {
        if (embeddings.dim() != 2) throw new ArgumentException($"RankMe needs an [N, D] matrix, got shape [{string.Join(", ", embeddings.shape)}].", nameof(embeddings));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var rows = embeddings.narrow(0, 0, Math.Min(embeddings.shape[0], maxSamples));
        // Double precision on the CPU: the small singular values decide the tail of the entropy.
        var singular = linalg.svdvals(rows.detach().to(CPU).to_type(float64));
        return FromSingularValues(singular.data<double>().ToArray(), eps);
    }

    /// <summary>RankMe from singular values (any order).</summary>
    public static double FromSingularValues(IReadOnlyList<double> singularValues, double eps = Epsilon)
    {
        double l1 = singularValues.Sum(Math.Abs);
        if (l1 == 0) return double.NaN;  // an all-zero matrix has no spectrum to measure
        double entropy = 0;
        foreach (var s in singularValues)
        {
            double p = Math.Abs(s) / l1 + eps;
            entropy -= p * Math.Log(p);
        }
        return Math.Exp(entropy);
    }
}
