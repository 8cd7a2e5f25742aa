namespace SslAnomaly.Optim;

/// <summary>
/// BYOL's cosine schedule of the teacher EMA coefficient: tau_k = 1 - (1 - tau_0)(cos(pi k / K) + 1) / 2 for a
/// final value of 1 (in general tau_end - (tau_end - tau_0)(cos(pi k / K) + 1) / 2), k the 0-based optimiser step.
/// </summary>
public sealed record MomentumSchedule(double BaseTau, double FinalTau, long TotalSteps)
{
    public double At(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step));
        if (TotalSteps <= 0 || step >= TotalSteps) return FinalTau;
        return FinalTau - (FinalTau - BaseTau) * (Math.Cos(Math.PI * step / TotalSteps) + 1) / 2;
    }
}
