namespace SslAnomaly.Eval;

/// <summary>
/// One pretrained run's row of the paper's train% x val% grid: the probe, trained once on the run's
/// training subset, evaluated on every validation subset (defect shares 1, 2, 5, 15, 45 % and the natural
/// split), with stratified bootstrap intervals for every metric.
/// </summary>
public static class ImbalanceGrid
{
    public const string NaturalKey = "natural";

    /// <summary>The paper's validation columns, in display order.</summary>
    public static readonly IReadOnlyList<string> ValidationKeys = ["1", "2", "5", "15", "45", NaturalKey];

    /// <param name="bootstrap">Interval settings (default: 1000 stratified replicates, seed 0, 95 %).</param>
    /// <param name="intervals">False skips the bootstrap (quick looks; reported results keep it on).</param>
    public static GridResult Evaluate(LinearProbe probe, FeatureSet validation, IReadOnlyList<ValidationSubset> subsets,
        BootstrapOptions? bootstrap = null, bool intervals = true) =>
        Evaluate(probe.Score(validation), validation, subsets, bootstrap, intervals);

    /// <summary>The grid of any model's scores for every validation row (e.g. the supervised model's own head).</summary>
    public static GridResult Evaluate(DefectScores scores, FeatureSet validation, IReadOnlyList<ValidationSubset> subsets,
        BootstrapOptions? bootstrap = null, bool intervals = true)
    {
        if (scores.Count != validation.Rows)
            throw new ArgumentException($"{scores.Count} scores for {validation.Rows} validation rows.", nameof(scores));
        var duplicate = subsets.GroupBy(s => s.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Validation subset '{duplicate.Key}' is given twice.", nameof(subsets));
        foreach (var subset in subsets)
            if (subset.Indices.Any(i => i < 0 || i >= validation.Rows))
                throw new ArgumentException($"Validation subset '{subset.Key}' refers to rows outside the {validation.Rows} validation features.", nameof(subsets));

        // Every validation row is scored once; subsets only select rows.
        var results = subsets.OrderBy(s => DisplayRank(s.Key)).ThenBy(s => s.Key, StringComparer.Ordinal).Select(subset =>
        {
            var set = new EvaluationSet(validation.Truth.Select(subset.Indices), scores.Select(subset.Indices));
            return new SubsetResult(subset.Key, set.Evaluate(), intervals ? StratifiedBootstrap.Intervals(set, bootstrap) : null);
        }).ToList();
        return new GridResult(results);
    }

    /// <summary>Position of a key among <see cref="ValidationKeys"/>; other keys sort after them.</summary>
    public static int DisplayRank(string key)
    {
        for (int i = 0; i < ValidationKeys.Count; i++)
            if (ValidationKeys[i] == key) return i;
        return ValidationKeys.Count;
    }
}
