using static TorchSharp.torch;

namespace SslAnomaly.Losses;

/// <summary>
/// NT-Xent, SimCLR's loss: the 2N embeddings of two views are L2-normalised; each one must pick out its
/// positive (the other view of the same image) among the 2N - 1 others by a softmax over cosine
/// similarities / temperature. Same value as solo-learn's <c>simclr_loss_func</c> and lightly's
/// <c>NTXentLoss</c>; written as a cross-entropy (log-sum-exp) so tiny temperatures cannot overflow exp().
/// </summary>
public static class NtXentLoss
{
    /// <param name="z1">Projections of the first view [N, D].</param>
    /// <param name="z2">Projections of the second view [N, D]; row i is the same image as z1's row i.</param>
    /// <param name="temperature">Softmax temperature (SimCLR: 0.1-0.5; solo-learn 0.2).</param>
    public static Tensor Compute(Tensor z1, Tensor z2, double temperature)
    {
        if (!z1.shape.SequenceEqual(z2.shape) || z1.dim() != 2)
            throw new ArgumentException($"NT-Xent needs two [N, D] views of equal shape, got [{string.Join(",", z1.shape)}] and [{string.Join(",", z2.shape)}]");
        if (temperature <= 0) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be positive");
        using var scope = NewDisposeScope();
        long n = z1.shape[0];
        var z = nn.functional.normalize(cat([z1, z2], 0), p: 2, dim: 1);
        var logits = z.matmul(z.t()).div(temperature);
        // An embedding is not its own negative: drop the diagonal from the softmax.
        var self = eye(2 * n, dtype: ScalarType.Bool, device: z.device);
        logits = logits.masked_fill(self, double.NegativeInfinity);
        var positives = cat([arange(n, 2 * n, device: z.device), arange(0, n, device: z.device)], 0);
        return nn.functional.cross_entropy(logits, positives).MoveToOuterDisposeScope();
    }
}
