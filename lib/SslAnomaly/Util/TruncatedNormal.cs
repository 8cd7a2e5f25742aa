using static TorchSharp.torch;

namespace SslAnomaly.Util;

/// <summary>
/// In-place truncated-normal initialisation, as torch.nn.init.trunc_normal_ (inverse-CDF sampling): values from
/// N(mean, std^2) restricted to [a, b]. TorchSharp 0.107's <c>nn.init.trunc_normal_</c> cannot be used: its native
/// binding mixes up the arguments, so <c>trunc_normal_(w, std: 0.02)</c> fills every element with 0.02 (measured:
/// std 1.9e-9), which makes every DINO head layer rank one and every image's embedding the same.
/// </summary>
public static class TruncatedNormal
{
    public static Tensor Fill(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
    {
        if (!(std > 0) || !(a < b)) throw new ArgumentException($"truncated normal needs std > 0 and a < b, got std {std}, [{a}, {b}]");
        double lower = NormalCdf((a - mean) / std), upper = NormalCdf((b - mean) / std);
        using var noGrad = no_grad();
        tensor.uniform_(2 * lower - 1, 2 * upper - 1);
        // Keep erfinv finite at the interval's ends (uniform_ can return exactly -1): at most about 5 std from the mean.
        tensor.clamp_(Math.Max(2 * lower - 1, -1 + 1e-7), Math.Min(2 * upper - 1, 1 - 1e-7));
        tensor.erfinv_();
        tensor.mul_(std * Math.Sqrt(2)).add_(mean);
        tensor.clamp_(a, b);
        return tensor;
    }

    static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    // Abramowitz-Stegun 7.1.26 (error < 1.5e-7): only the sampling interval's end points depend on it.
    static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }
}
