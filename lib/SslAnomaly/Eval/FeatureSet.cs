namespace SslAnomaly.Eval;

/// <summary>
/// Frozen backbone features of a list of images (row-major float32 [Rows, Dim]) with each row's
/// filename and labels. What the linear probe trains on and the imbalance grid evaluates.
/// </summary>
public sealed class FeatureSet
{
    public FeatureSet(float[] values, int dim, IReadOnlyList<string> filenames, GroundTruth truth)
    {
        if (dim <= 0) throw new ArgumentOutOfRangeException(nameof(dim), dim, "Feature dimension must be positive.");
        if (values.Length % dim != 0) throw new ArgumentException($"{values.Length} values are not a whole number of {dim}-wide rows.", nameof(values));
        int rows = values.Length / dim;
        if (filenames.Count != rows || truth.Count != rows)
            throw new ArgumentException($"{rows} feature rows, {filenames.Count} filenames, {truth.Count} labels: they must agree.");
        Values = values;
        Dim = dim;
        Filenames = filenames;
        Truth = truth;
    }

    public float[] Values { get; }
    public int Dim { get; }
    public int Rows => Values.Length / Dim;
    public IReadOnlyList<string> Filenames { get; }
    public GroundTruth Truth { get; }

    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Dim, Dim);

    public FeatureSet Select(IReadOnlyList<int> rows)
    {
        var values = new float[rows.Count * Dim];
        for (int r = 0; r < rows.Count; r++)
            Row(rows[r]).CopyTo(values.AsSpan(r * Dim, Dim));
        return new FeatureSet(values, Dim, rows.Select(i => Filenames[i]).ToArray(), Truth.Select(rows));
    }

    /// <summary>Row indices of <paramref name="filenames"/>; names every filename this set lacks.</summary>
    public int[] IndicesOf(IReadOnlyList<string> filenames)
    {
        var index = new Dictionary<string, int>(Rows, StringComparer.Ordinal);
        for (int i = 0; i < Rows; i++)
            if (!index.TryAdd(Filenames[i], i))
                throw new InvalidOperationException($"Filename '{Filenames[i]}' appears twice in the feature set.");
        var missing = filenames.Where(f => !index.ContainsKey(f)).ToList();
        if (missing.Count > 0)
            throw new UserInputException($"{missing.Count} filename(s) have no features: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")}.");
        return filenames.Select(f => index[f]).ToArray();
    }
}
