namespace SslAnomaly.Analysis;

/// <summary>
/// Bonferroni's correction for a family of intervals: m intervals at level 1 - alpha/m cover all their parameters at once
/// with probability at least 1 - alpha, whatever their dependence. The label-free study tries many metrics on the same
/// runs; at 95 % one in twenty intervals excludes 0 by chance alone, so a claim about "the metric whose interval excludes
/// 0" or "the best selector" is only as strong as the family it was picked from. Bonferroni is conservative where the
/// tests are correlated (as metrics of one spectrum are), which is the safe side for a claim.
/// </summary>
public static class Multiplicity
{
    /// <summary>The per-interval level that gives <paramref name="familyLevel"/> for the family of <paramref name="family"/> intervals.</summary>
    public static double BonferroniLevel(double familyLevel, int family)
    {
        if (family < 1) throw new ArgumentOutOfRangeException(nameof(family), family, "A family holds at least one interval.");
        if (!(familyLevel > 0 && familyLevel < 1)) throw new ArgumentOutOfRangeException(nameof(familyLevel), familyLevel, "The level must lie in (0, 1).");
        return 1 - (1 - familyLevel) / family;
    }

    /// <summary>How many of <paramref name="family"/> level-<paramref name="level"/> intervals of true-zero effects exclude 0 on
    /// average: what "k intervals exclude 0" must be compared with.</summary>
    public static double ExpectedFalseExclusions(double level, int family) => (1 - level) * family;
}
