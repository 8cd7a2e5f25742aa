using static TorchSharp.torch;

namespace SslAnomaly.Losses;

/// <summary>
/// Barlow Twins: both views' embeddings are batch-normalised per dimension (BatchNorm1d without affine, batch
/// statistics with the biased variance and eps 1e-5, exactly as solo-learn's <c>barlow_loss_func</c> does), their
/// cross-correlation C = z1^T z2 / N is pushed towards the identity: scale * (sum_i (1 - C_ii)^2 +
/// lambda * sum_{i != j} C_ij^2). A constant dimension normalises to 0 (its variance is 0, eps keeps the
/// division finite), so it contributes a diagonal term of 1 and no off-diagonal ones.
/// </summary>
public static class BarlowTwinsLoss
{
    public const double BatchNormEps = 1e-5;

    /// <param name="z1">Projections of view 1 [N, D].</param>
    /// <param name="z2">Projections of view 2 [N, D].</param>
    /// <param name="lambda">Weight of the redundancy-reduction (off-diagonal) term (paper: 0.0051).</param>
    /// <param name="scale">Overall loss scale (solo-learn: 0.1 for its 2048-d projector).</param>
    public static Tensor Compute(Tensor z1, Tensor z2, double lambda, double scale)
    {
        if (!z1.shape.SequenceEqual(z2.shape) || z1.dim() != 2)
            throw new ArgumentException($"Barlow Twins needs two [N, D] views of equal shape, got [{string.Join(",", z1.shape)}] and [{string.Join(",", z2.shape)}]");
        if (z1.shape[0] < 2) throw new ArgumentException("Barlow Twins needs at least 2 samples for batch statistics");
        using var scope = NewDisposeScope();
        long n = z1.shape[0];
        var c = BatchNormalise(z1).t().matmul(BatchNormalise(z2)).div_(n);
        // sum_i (1 - C_ii)^2 + lambda sum_{i != j} C_ij^2 with the off-diagonal sum as sum C^2 - sum_i C_ii^2: two passes
        // over the D x D matrix instead of building an identity, a weight matrix and three D x D temporaries.
        var diagonal = c.diagonal();
        var onDiagonal = diagonal.sub(1).square().sum();
        var offDiagonal = c.square().sum().sub(diagonal.square().sum());
        return onDiagonal.add(offDiagonal, alpha: lambda).mul(scale).MoveToOuterDisposeScope();
    }

    /// <summary>Per-dimension standardisation with batch statistics (BatchNorm1d(affine: false) in training mode).</summary>
    public static Tensor BatchNormalise(Tensor z) =>
        nn.functional.batch_norm(z, null, null, null, null, training: true, momentum: 0.1, eps: BatchNormEps);
}
