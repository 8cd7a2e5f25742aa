using static TorchSharp.torch;

namespace SslAnomaly.Eval;

/// <summary>
/// Summary statistics of a batch of features or embeddings [N, D] for collapse monitoring (paper, Appendix D):
/// <see cref="Mean"/> over all entries; <see cref="Std"/> = per-dimension std across samples, averaged over
/// dimensions (0 when every sample maps to the same point); <see cref="NormalizedStd"/> = the same after L2-normalising
/// each row (lightly's collapse indicator: about 1/sqrt(D) for well-spread embeddings, 0 when collapsed).
/// Population std (divide by N).
/// </summary>
public readonly record struct FeatureStats(double Mean, double Std, double NormalizedStd)
{
    public static FeatureStats Compute(Tensor features)
    {
        if (features.dim() != 2) throw new ArgumentException($"Feature statistics need an [N, D] matrix, got shape [{string.Join(", ", features.shape)}].", nameof(features));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = features.detach().to_type(float64);
        var normalized = nn.functional.normalize(z, p: 2, dim: 1);
        return new FeatureStats(
            z.mean().item<double>(),
            z.std(dimensions: [0], unbiased: false).mean().item<double>(),
            normalized.std(dimensions: [0], unbiased: false).mean().item<double>());
    }
}
