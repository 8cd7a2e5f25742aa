using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// LiDAR (Thilak et al., ICLR 2024): the smooth rank of the LDA matrix with each image as a surrogate class and its
/// augmented views as the class's samples. For n images with q views e_ij: class means mu_i, grand mean mu,
/// Sigma_b = 1/(n-1) sum_i (mu_i - mu)(mu_i - mu)^T, Sigma_w = 1/(n(q-1)) sum_ij (e_ij - mu_i)(e_ij - mu_i)^T + delta I,
/// Sigma_lidar = Sigma_w^-1/2 Sigma_b Sigma_w^-1/2, LiDAR = exp(-sum_k p_k log p_k), p_k = lambda_k / ||lambda||_1 + eps.
/// delta = 1e-4 and eps = 1e-7 (RankMe's). High: images stay apart while their views stay together.
/// </summary>
public static class Lidar
{
    public const double Delta = 1e-4;
    public const double Epsilon = 1e-7;

    /// <param name="views">q &gt;= 2 tensors [n, D]; row i of every view is image i.</param>
    public static double Compute(IReadOnlyList<Tensor> views, double delta = Delta, double eps = Epsilon)
    {
        if (views.Count < 2) throw new ArgumentException($"LiDAR needs at least 2 views per image, got {views.Count}.", nameof(views));
        foreach (var v in views)
        {
            Spectrum.RequireMatrix(v, "LiDAR");
            if (!v.shape.SequenceEqual(views[0].shape))
                throw new ArgumentException($"LiDAR's views must share one shape, got [{string.Join(", ", views[0].shape)}] and [{string.Join(", ", v.shape)}].");
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var e = stack(views.Select(v => v.detach().to(CPU).to_type(float64)).ToArray(), 1);  // [n, q, D]
        long n = e.shape[0], q = e.shape[1], d = e.shape[2];
        var classMeans = e.mean([1]);                                     // [n, D]
        var between = classMeans - classMeans.mean([0], keepdim: true);
        var sigmaB = between.t().matmul(between) / (n - 1);
        var within = (e - classMeans.unsqueeze(1)).reshape(n * q, d);
        var sigmaW = within.t().matmul(within) / (n * (q - 1)) + delta * eye(d, dtype: float64);
        var (w, basis) = linalg.eigh(sigmaW);
        var inverseRoot = basis.matmul(diag(w.rsqrt())).matmul(basis.t());
        var lda = inverseRoot.matmul(sigmaB).matmul(inverseRoot);
        var eigenvalues = linalg.eigvalsh((lda + lda.t()) / 2).data<double>().Select(v => Math.Max(v, 0)).ToArray();
        return Spectrum.EntropyRank(eigenvalues, eps);
    }
}
