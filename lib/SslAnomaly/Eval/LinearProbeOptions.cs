namespace SslAnomaly.Eval;

/// <summary>
/// Settings of the linear probe. The paper only says "linear probe, loss weighted by the defect share";
/// these defaults are ours and go into every run's config.
/// </summary>
/// <param name="L2">Weight decay on the weights (not the bias) of the mean loss: keeps the optimum unique
/// when the classes are separable. Equals scikit-learn's C = 1 / (n L2).</param>
/// <param name="GradientTolerance">Stop when the largest gradient component falls below this.</param>
public sealed record LinearProbeOptions(double L2 = 1e-4, int MaxIterations = 500, double GradientTolerance = 1e-7)
{
    public static readonly LinearProbeOptions Default = new();
}
