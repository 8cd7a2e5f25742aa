using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// NESum (He and Ozay, 2022): the sum of the covariance eigenvalues normalised by the largest, sum_k lambda_k / lambda_1.
/// 1 for a rank-one (collapsed) spectrum, D for a white one.
/// </summary>
public static class NeSum
{
    public static double Compute(Tensor features) => FromEigenvalues(Spectrum.CovarianceEigenvalues(features));

    public static double FromEigenvalues(IReadOnlyList<double> eigenvalues)
    {
        double largest = eigenvalues.Count == 0 ? 0 : eigenvalues.Max();
        return largest <= 0 ? double.NaN : eigenvalues.Sum() / largest;
    }
}
