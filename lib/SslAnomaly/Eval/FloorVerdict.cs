namespace SslAnomaly.Eval;

/// <summary>Where a model stands against a floor on the same images, after a two-sided test.</summary>
public enum FloorVerdict
{
    /// <summary>Better than the floor: the test rejects equality and the replicates lie above it.</summary>
    Better,
    /// <summary>Worse than the floor: the test rejects equality and the replicates lie below it.</summary>
    Worse,
    /// <summary>Cannot be told apart from the floor at the test's level.</summary>
    CannotTell,
}

public static class FloorVerdicts
{
    /// <summary>The spelling in JSON and CSV: "better", "worse", "cannot_tell".</summary>
    public static string Name(this FloorVerdict verdict) => verdict switch
    {
        FloorVerdict.Better => "better",
        FloorVerdict.Worse => "worse",
        FloorVerdict.CannotTell => "cannot_tell",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>
    /// One verdict over several tests shown as one cell (a figure row that pools settings tested apart): better or worse
    /// only when every test says so, otherwise it cannot be told apart; null when none was judged. Seeds of one setting
    /// are not combined this way but tested together (<see cref="SeedStatistics.CompareWithFloor"/>).
    /// </summary>
    public static FloorVerdict? Combine(IReadOnlyCollection<FloorVerdict> verdicts) =>
        verdicts.Count == 0 ? null
        : verdicts.All(v => v == FloorVerdict.Better) ? FloorVerdict.Better
        : verdicts.All(v => v == FloorVerdict.Worse) ? FloorVerdict.Worse
        : FloorVerdict.CannotTell;
}
