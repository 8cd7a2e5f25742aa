using static TorchSharp.torch;

namespace SslAnomaly.Losses;

/// <summary>
/// BYOL's normalised MSE, symmetrised over the two views: the online prediction of each view regresses
/// the target projection of the other view, ||p/|p| - z/|z|||^2 = 2 - 2 cos(p, z), averaged over the batch
/// and summed over both directions (solo-learn's <c>byol_loss_func</c> summed as in its training step, so
/// the value lies in [0, 8]). Targets carry no gradient.
/// </summary>
public static class ByolLoss
{
    /// <param name="p1">Online predictions of view 1 [N, D].</param>
    /// <param name="p2">Online predictions of view 2 [N, D].</param>
    /// <param name="z1">Target projections of view 1 [N, D] (detached here).</param>
    /// <param name="z2">Target projections of view 2 [N, D] (detached here).</param>
    public static Tensor Compute(Tensor p1, Tensor p2, Tensor z1, Tensor z2)
    {
        using var scope = NewDisposeScope();
        return Pair(p1, z2).add(Pair(p2, z1)).MoveToOuterDisposeScope();
    }

    /// <summary>2 - 2 mean_i cos(p_i, z_i) for one prediction/target pair.</summary>
    public static Tensor Pair(Tensor prediction, Tensor target)
    {
        if (!prediction.shape.SequenceEqual(target.shape) || prediction.dim() != 2)
            throw new ArgumentException($"BYOL needs [N, D] prediction and target of equal shape, got [{string.Join(",", prediction.shape)}] and [{string.Join(",", target.shape)}]");
        using var scope = NewDisposeScope();
        var p = nn.functional.normalize(prediction, p: 2, dim: 1);
        var z = nn.functional.normalize(target.detach(), p: 2, dim: 1);
        return p.mul(z).sum(1).mean().mul(-2).add(2).MoveToOuterDisposeScope();
    }
}
