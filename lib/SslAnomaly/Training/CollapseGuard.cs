using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>
/// Detects representation collapse from a batch of embeddings: the mean over dimensions of the standard deviation across
/// the batch of the L2-normalised embeddings, times sqrt(D) (the measure of the BYOL/SimSiam collapse analyses: about 1
/// for embeddings spread over the sphere, 0 when every image maps to the same point). A run is stopped when the spread
/// stays below a threshold for several consecutive steps.
/// </summary>
public sealed class CollapseGuard(double threshold, int patience)
{
    public double Threshold { get; } = threshold;
    public int Patience { get; } = patience;

    /// <summary>Consecutive steps below the threshold so far (checkpointed).</summary>
    public int Streak { get; set; }

    public static double Spread(Tensor embeddings)
    {
        if (embeddings.dim() != 2 || embeddings.shape[0] < 2) return double.NaN;
        using var scope = NewDisposeScope();
        var z = nn.functional.normalize(embeddings.detach().to(ScalarType.Float64), p: 2, dim: 1);
        return z.std(0, unbiased: false).mean().item<double>() * Math.Sqrt(z.shape[1]);
    }

    /// <summary>Counts a step; true when the run should stop.</summary>
    public bool Observe(double spread)
    {
        if (Patience <= 0 || double.IsNaN(spread)) return false;
        Streak = spread < Threshold ? Streak + 1 : 0;
        return Streak >= Patience;
    }
}
