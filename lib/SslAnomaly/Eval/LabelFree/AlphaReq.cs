using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// alpha-ReQ (Agrawal et al., NeurIPS 2022): the decay exponent alpha of a power law lambda_k ~ k^-alpha fitted to the
/// covariance eigenspectrum by least squares in log-log space (log lambda_k = c - alpha log k). The fit runs over the
/// numerically non-zero eigenvalues (lambda_k &gt; 1e-10 lambda_1, k from 1): with fewer samples than dimensions the rest is
/// round-off. The paper finds alpha near 1 best; a collapsed spectrum decays fast (large alpha), a white one is flat (0).
/// </summary>
public static class AlphaReq
{
    public const double RelativeFloor = 1e-10;

    public static double Compute(Tensor features) => FromEigenvalues(Spectrum.CovarianceEigenvalues(features));

    /// <summary>From eigenvalues in descending order; NaN when fewer than two are usable.</summary>
    public static double FromEigenvalues(IReadOnlyList<double> descending)
    {
        if (descending.Count == 0 || descending[0] <= 0) return double.NaN;
        double floor = descending[0] * RelativeFloor;
        var points = descending.TakeWhile(v => v > floor).Select((v, i) => (X: Math.Log(i + 1), Y: Math.Log(v))).ToList();
        if (points.Count < 2) return double.NaN;
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxy = points.Sum(p => (p.X - mx) * (p.Y - my)), sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return -sxy / sxx;
    }
}
