using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>
/// Detects representation collapse from a batch of embeddings: the mean over dimensions of the standard deviation across
/// the batch of the L2-normalised embeddings, times sqrt(D) (the measure of the BYOL/SimSiam collapse analyses: about 1
/// for embeddings spread over the sphere, 0 when every image maps to the same point). A run whose spread stays below a
/// threshold for several consecutive steps is marked collapsed (once, at the step the patience runs out) but not stopped:
/// a collapsed representation is a result to probe and report.
/// </summary>
public sealed class CollapseGuard
{
    public CollapseGuard(double threshold, int patience)
    {
        if (!(threshold >= 0) || patience < 0)
            throw new UserInputException($"collapse guard: threshold must be >= 0 and patience >= 0 (0 disables it), got {threshold} and {patience}");
        Threshold = threshold;
        Patience = patience;
    }

    public double Threshold { get; }
    public int Patience { get; }

    /// <summary>Consecutive steps below the threshold so far (checkpointed).</summary>
    public int Streak { get; set; }

    /// <summary>Global step at which the run was first judged collapsed (checkpointed); null while it has not been.</summary>
    public long? CollapsedAt { get; set; }

    public static double Spread(Tensor embeddings)
    {
        if (embeddings.dim() != 2 || embeddings.shape[0] < 2) return double.NaN;
        using var scope = NewDisposeScope();
        var z = nn.functional.normalize(embeddings.detach().to(ScalarType.Float64), p: 2, dim: 1);
        return z.std(0, unbiased: false).mean().item<double>() * Math.Sqrt(z.shape[1]);
    }

    /// <summary>Counts a step; true when the streak has reached the patience (at this step and every further one below the threshold).</summary>
    public bool Observe(double spread)
    {
        if (Patience <= 0 || double.IsNaN(spread)) return false;
        Streak = spread < Threshold ? Streak + 1 : 0;
        return Streak >= Patience;
    }

    /// <summary><see cref="Observe"/>, recording the first step at which the run counts as collapsed; true only at that step.</summary>
    public bool ObserveStep(double spread, long step)
    {
        if (!Observe(spread) || CollapsedAt is not null) return false;
        CollapsedAt = step;
        return true;
    }
}
