using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// Effective rank (Roy and Vetterli, 2007): exp(-sum_k p_k log p_k) with p_k = sigma_k / ||sigma||_1 over the singular
/// values of the row-centred features. RankMe is the same formula on the raw (uncentred) matrix with an eps term, so the
/// two differ by the mean direction, which RankMe counts and this does not.
/// </summary>
public static class EffectiveRank
{
    public static double Compute(Tensor features) => Spectrum.EntropyRank(Spectrum.CentredSingularValues(features), 0);
}
