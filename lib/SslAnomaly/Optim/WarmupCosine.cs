namespace SslAnomaly.Optim;

/// <summary>
/// Per-step learning rate: linear warm-up from <see cref="WarmupStartLr"/> to <see cref="BaseLr"/> over the first
/// <see cref="WarmupSteps"/> steps (reaching the base rate on the last warm-up step), then cosine annealing to
/// <see cref="MinLr"/> at <see cref="TotalSteps"/> — solo-learn's LinearWarmupCosineAnnealingLR stepped per batch.
/// </summary>
public sealed record WarmupCosine(double BaseLr, long WarmupSteps, long TotalSteps, double MinLr = 0, double WarmupStartLr = 0)
{
    /// <summary>Learning rate for the 0-based optimiser step <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step));
        if (step < WarmupSteps)
            return WarmupSteps == 1 ? BaseLr : WarmupStartLr + step * (BaseLr - WarmupStartLr) / (WarmupSteps - 1);
        long span = TotalSteps - WarmupSteps;
        if (span <= 0 || step >= TotalSteps) return step >= TotalSteps ? MinLr : BaseLr;
        double progress = (double)(step - WarmupSteps) / span;
        return MinLr + 0.5 * (BaseLr - MinLr) * (1 + Math.Cos(Math.PI * progress));
    }
}
