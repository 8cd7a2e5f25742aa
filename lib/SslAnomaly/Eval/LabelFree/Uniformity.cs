using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// Uniformity (Wang and Isola, ICML 2020): log E exp(-t ||f(x) - f(y)||_2^2) over distinct pairs of L2-normalised
/// embeddings, t = 2 (their code: pdist(x).pow(2).mul(-t).exp().mean().log()). In [-4, 0]; lower means spread over the
/// sphere, 0 means collapsed to a point. <see cref="OfViews"/> averages it over two views, as their paper reports it.
/// </summary>
public static class Uniformity
{
    public static double Compute(Tensor embeddings, double t = 2)
    {
        Spectrum.RequireMatrix(embeddings, "uniformity");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = nn.functional.normalize(embeddings.detach().to(CPU).to_type(float64), p: 2, dim: 1);
        long n = x.shape[0];
        // Squared distances of unit vectors: 2 - 2 cos; the strict upper triangle is pdist's pair set.
        var squared = (2 - 2 * x.matmul(x.t())).clamp_min(0);
        var pairs = squared[triu(ones(n, n, dtype: ScalarType.Bool), diagonal: 1)];
        return pairs.mul(-t).exp().mean().log().item<double>();
    }

    public static double OfViews(Tensor viewA, Tensor viewB, double t = 2) => (Compute(viewA, t) + Compute(viewB, t)) / 2;
}
