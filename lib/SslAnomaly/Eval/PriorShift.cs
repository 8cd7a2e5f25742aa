namespace SslAnomaly.Eval;

/// <summary>The EM estimate of a test set's defect share and the posteriors re-weighted to it.</summary>
public sealed record PriorEstimate(double Prior, int Iterations, bool Converged, double[] AdjustedPosteriors);

/// <summary>
/// Label shift for a binary classifier. <see cref="EstimatePrior"/> is the EM of Saerens, Latinne and Decaestecker
/// (Neural Computation 2002): from posteriors p_i made under training prior pi_t, alternate
/// p_i' = (pi/pi_t) p_i / ((pi/pi_t) p_i + ((1-pi)/(1-pi_t)) (1-p_i)) and pi = mean_i p_i', starting at pi_t.
/// <see cref="AdjustLogit"/> is the same re-weighting as a logit shift (logit adjustment):
/// logit p' = logit p + log(pi/pi_t) - log((1-pi)/(1-pi_t)), the two-class form of adding log(pi_target/pi_train) to
/// each class's logit. The workbook's probe is trained with pos_weight (1-p)/p, which gives both classes equal total
/// weight: its probabilities are posteriors under an effective training prior of 0.5 (<see cref="WeightedProbePrior"/>),
/// whatever the probe set's own share. Using the probe set's share as pi_t would be wrong by exactly that weighting.
/// </summary>
public static class PriorShift
{
    /// <summary>The effective training prior of a probe trained with pos_weight = (1-p)/p.</summary>
    public const double WeightedProbePrior = 0.5;

    public static PriorEstimate EstimatePrior(IReadOnlyList<double> posteriors, double trainPrior = WeightedProbePrior,
        double tolerance = 1e-10, int maxIterations = 10_000)
    {
        if (posteriors.Count == 0) throw new ArgumentException("EM needs at least one posterior.", nameof(posteriors));
        if (!(trainPrior > 0 && trainPrior < 1)) throw new ArgumentOutOfRangeException(nameof(trainPrior), trainPrior, "the training prior must lie in (0, 1).");
        double prior = trainPrior;
        int iteration = 0;
        bool converged = false;
        while (iteration < maxIterations)
        {
            iteration++;
            double next = Reweight(posteriors, prior, trainPrior).Average();
            bool done = Math.Abs(next - prior) < tolerance;
            prior = next;
            if (done) { converged = true; break; }
        }
        return new PriorEstimate(prior, iteration, converged, Reweight(posteriors, prior, trainPrior));
    }

    /// <summary>Posteriors under <paramref name="trainPrior"/> re-weighted to <paramref name="targetPrior"/>.</summary>
    public static double[] Reweight(IReadOnlyList<double> posteriors, double targetPrior, double trainPrior = WeightedProbePrior)
    {
        double a = targetPrior / trainPrior, b = (1 - targetPrior) / (1 - trainPrior);
        var result = new double[posteriors.Count];
        for (int i = 0; i < result.Length; i++)
        {
            double w1 = a * posteriors[i], w0 = b * (1 - posteriors[i]);
            result[i] = w1 + w0 == 0 ? 0 : w1 / (w0 + w1);
        }
        return result;
    }

    /// <summary>The logit shift that moves a posterior from <paramref name="trainPrior"/> to <paramref name="targetPrior"/>.</summary>
    public static double LogitShift(double targetPrior, double trainPrior = WeightedProbePrior) =>
        Math.Log(targetPrior / trainPrior) - Math.Log((1 - targetPrior) / (1 - trainPrior));

    public static double AdjustLogit(double logit, double targetPrior, double trainPrior = WeightedProbePrior) =>
        logit + LogitShift(targetPrior, trainPrior);
}
