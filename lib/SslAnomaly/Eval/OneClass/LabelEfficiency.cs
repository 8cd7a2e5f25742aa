namespace SslAnomaly.Eval.OneClass;

/// <summary>A subset of the probe set for the label-efficiency probes: its key in result.json ("10", ..., "all"), its
/// counts, and its rows of the probe set in ascending order.</summary>
public sealed record LabelBudget(string Key, int Defects, int Normals, IReadOnlyList<int> Rows);

/// <summary>One label-efficiency point: the probe trained on a budget's rows.</summary>
public sealed record BudgetProbe(LabelBudget Budget, LinearProbe Probe);

/// <summary>
/// How many labelled defects the linear probe needs: the same probe (<see cref="LinearProbe"/>, same options) trained on
/// 10, 30, 100, 300 defects and on all of them, each time with normals in the probe set's own proportion, so the defect
/// share, and with it the probe's pos_weight, is the probe set's at every budget and only the amount of labels changes.
/// </summary>
public static class LabelEfficiency
{
    public const string AllKey = "all";

    /// <summary>
    /// The budgets' rows. The defects and the normals are each shuffled once (seeded) and every budget takes a prefix of
    /// both, so the draws are nested: the 30-defect set holds the 10-defect set. c defects come with round(c N / D)
    /// normals (D defects and N normals in the probe set; at least one). Budgets at or above D are left out: "all", the
    /// whole probe set in its own order (the run's probe itself), always comes last.
    /// </summary>
    public static IReadOnlyList<LabelBudget> Draw(GroundTruth truth, IReadOnlyList<int> defectBudgets, int seed)
    {
        if (defectBudgets.Any(b => b < 1)) throw new ArgumentOutOfRangeException(nameof(defectBudgets), "A label budget needs at least one defect.");
        var defects = Enumerable.Range(0, truth.Count).Where(i => truth.Defect[i]).ToArray();
        var normals = Enumerable.Range(0, truth.Count).Where(i => !truth.Defect[i]).ToArray();
        var all = new LabelBudget(AllKey, defects.Length, normals.Length, Enumerable.Range(0, truth.Count).ToArray());
        if (defects.Length == 0 || normals.Length == 0) return [all];
        var random = new Random(seed);
        random.Shuffle(defects);
        random.Shuffle(normals);
        var budgets = new List<LabelBudget>();
        foreach (int count in defectBudgets.Distinct().Order().Where(b => b < defects.Length))
        {
            int normalCount = Math.Clamp((int)Math.Round((double)count * normals.Length / defects.Length, MidpointRounding.AwayFromZero), 1, normals.Length);
            var rows = defects[..count].Concat(normals[..normalCount]).Order().ToArray();
            budgets.Add(new LabelBudget(count.ToString(System.Globalization.CultureInfo.InvariantCulture), count, normalCount, rows));
        }
        budgets.Add(all);
        return budgets;
    }

    /// <summary>The probe of every budget. <paramref name="fullProbe"/>, the run's own probe when the caller has it,
    /// stands for "all" (trained on the same rows in the same order with the same options, it is the same probe bit for bit).</summary>
    public static IReadOnlyList<BudgetProbe> Train(FeatureSet probeTrain, IReadOnlyList<int> defectBudgets, int seed,
        LinearProbeOptions? options = null, LinearProbe? fullProbe = null) =>
        Draw(probeTrain.Truth, defectBudgets, seed).Select(budget => new BudgetProbe(budget,
            budget.Key == AllKey && fullProbe is not null ? fullProbe
            : LinearProbe.Train(budget.Key == AllKey ? probeTrain : probeTrain.Select(budget.Rows), options))).ToList();
}
