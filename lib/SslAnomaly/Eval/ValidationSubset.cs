namespace SslAnomaly.Eval;

/// <summary>
/// One column of the imbalance grid: a validation subset (a defect share such as "5", or "natural" for the
/// unmodified split) given as row indices into the validation <see cref="FeatureSet"/>. The subsets
/// themselves, with their seeds, come from the data manifests.
/// </summary>
public sealed record ValidationSubset(string Key, IReadOnlyList<int> Indices)
{
    /// <summary>A subset given by filenames (as a manifest lists them), resolved against the feature set.</summary>
    public static ValidationSubset FromFilenames(string key, IReadOnlyList<string> filenames, FeatureSet validation) =>
        new(key, validation.IndicesOf(filenames));

    /// <summary>The whole validation set as the "natural" column.</summary>
    public static ValidationSubset Natural(FeatureSet validation) =>
        new(ImbalanceGrid.NaturalKey, Enumerable.Range(0, validation.Rows).ToArray());
}
