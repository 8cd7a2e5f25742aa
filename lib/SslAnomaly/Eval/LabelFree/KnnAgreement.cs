using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// kNN agreement between two augmented views (ours; the issue names the idea, not a paper): for each image, its k nearest
/// other images by cosine similarity in view A and, separately, in view B; the score is the mean share of the k neighbours
/// the two lists have in common. 1: the neighbourhood structure survives augmentation; chance is about k / (N - 1).
/// k is capped at N - 1. Ties break towards the lower index.
/// </summary>
public static class KnnAgreement
{
    public const int DefaultK = 5;

    public static double Compute(Tensor viewA, Tensor viewB, int k = DefaultK)
    {
        Spectrum.RequireMatrix(viewA, "kNN agreement");
        if (!viewA.shape.SequenceEqual(viewB.shape))
            throw new ArgumentException($"kNN agreement pairs rows of two views of one shape, got [{string.Join(", ", viewA.shape)}] and [{string.Join(", ", viewB.shape)}].");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        int n = (int)viewA.shape[0];
        k = Math.Min(k, n - 1);
        var a = Neighbours(viewA, k);
        var b = Neighbours(viewB, k);
        double shared = 0;
        for (int i = 0; i < n; i++) shared += a[i].Intersect(b[i]).Count();
        return shared / ((double)n * k);
    }

    static int[][] Neighbours(Tensor view, int k)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = nn.functional.normalize(view.detach().to(CPU).to_type(float64), p: 2, dim: 1);
        int n = (int)x.shape[0];
        var similarity = x.matmul(x.t()).data<double>().ToArray();
        return Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Where(j => j != i)
            .OrderByDescending(j => similarity[i * n + j]).ThenBy(j => j).Take(k).ToArray()).ToArray();
    }
}
