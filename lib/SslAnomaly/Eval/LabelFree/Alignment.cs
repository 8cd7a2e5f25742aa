using static TorchSharp.torch;

namespace SslAnomaly.Eval.LabelFree;

/// <summary>
/// Alignment (Wang and Isola, ICML 2020): E ||f(x) - f(y)||_2^alpha over positive pairs, on L2-normalised embeddings,
/// alpha = 2. Row i of the two views is one image. In [0, 4]; lower means two views of an image land closer.
/// </summary>
public static class Alignment
{
    public static double Compute(Tensor viewA, Tensor viewB, double alpha = 2)
    {
        Spectrum.RequireMatrix(viewA, "alignment");
        if (!viewA.shape.SequenceEqual(viewB.shape))
            throw new ArgumentException($"alignment pairs rows of two views of one shape, got [{string.Join(", ", viewA.shape)}] and [{string.Join(", ", viewB.shape)}].");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var a = nn.functional.normalize(viewA.detach().to(CPU).to_type(float64), p: 2, dim: 1);
        var b = nn.functional.normalize(viewB.detach().to(CPU).to_type(float64), p: 2, dim: 1);
        return (a - b).norm(1).pow(alpha).mean().item<double>();
    }
}
