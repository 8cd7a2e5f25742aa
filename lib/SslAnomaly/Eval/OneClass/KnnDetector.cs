namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// The k-nearest-neighbour detector of DN2 (Bergman, Cohen &amp; Hoshen 2020) and PANDA: an image's anomaly score is its
/// mean cosine distance to its k nearest reference images. Features are L2-normalised first, so distance = 1 - cosine
/// similarity, which ignores the features' overall scale (SSL features are compared by direction, as in training).
/// <para>The mean of the k distances rather than the k-th alone: it follows DN2, and an average of k distances is less
/// noisy than one order statistic. In a contaminated pool a defect near look-alike defects scores low either way; the
/// mean with k = 5 still counts the four farther neighbours, where the distance to the nearest alone would not.</para>
/// <para>Similarities come from <see cref="DenseMath.MultiplyByTranspose(ReadOnlySpan{double}, ReadOnlySpan{double}, int, Span{double})"/>
/// in double precision on fixed blocks of queries: the same scores in every process and at every thread count.</para>
/// </summary>
public sealed class KnnDetector : IOneClassDetector
{
    /// <summary>Queries per parallel task: 64 rows against a 4,000-row reference fill a 2 MB similarity buffer.</summary>
    const int QueryBlock = 64;

    readonly double[] _reference;

    KnnDetector(double[] reference, int rows, int dim, int k)
    {
        _reference = reference;
        ReferenceRows = rows;
        Dim = dim;
        K = k;
    }

    /// <summary>Neighbours averaged: the requested k, or the whole reference when it is smaller.</summary>
    public int K { get; }
    public int ReferenceRows { get; }
    public DetectorKind Kind => DetectorKind.Knn;
    public int Dim { get; }

    public static KnnDetector Fit(FeatureSet reference, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "The kNN detector needs at least one neighbour.");
        if (reference.Rows == 0) throw new ArgumentException("The kNN detector needs at least one reference image.", nameof(reference));
        return new KnnDetector(UnitRows(reference, 0, reference.Rows), reference.Rows, reference.Dim, Math.Min(k, reference.Rows));
    }

    /// <summary>Mean cosine distance of every query row to its <see cref="K"/> nearest reference rows, in [0, 2].</summary>
    public double[] Score(FeatureSet queries)
    {
        if (queries.Dim != Dim) throw new ArgumentException($"The detector was fitted on {Dim}-dim features, not {queries.Dim}.", nameof(queries));
        var scores = new double[queries.Rows];
        // Each worker keeps its similarity buffer from block to block: a few MB, not one per block.
        Parallel.For(0, (queries.Rows + QueryBlock - 1) / QueryBlock,
            () => (Similarity: new double[QueryBlock * ReferenceRows], Nearest: new double[K]),
            (block, _, buffers) =>
            {
                int start = block * QueryBlock, rows = Math.Min(QueryBlock, queries.Rows - start);
                var similarity = buffers.Similarity.AsSpan(0, rows * ReferenceRows);
                DenseMath.MultiplyByTranspose(UnitRows(queries, start, rows), _reference, Dim, similarity);
                for (int r = 0; r < rows; r++)
                    scores[start + r] = MeanDistanceOfNearest(similarity.Slice(r * ReferenceRows, ReferenceRows), buffers.Nearest);
                return buffers;
            },
            _ => { });
        return scores;
    }

    /// <summary>Mean of 1 - s over the k largest similarities s (k = <paramref name="nearest"/>.Length), nearest first.</summary>
    static double MeanDistanceOfNearest(ReadOnlySpan<double> similarities, double[] nearest)
    {
        // An insertion-sorted list of the k largest similarities, largest first: k is small, the row long.
        int count = 0;
        foreach (var s in similarities)
        {
            if (count == nearest.Length && s <= nearest[^1]) continue;
            int at = Math.Min(count, nearest.Length - 1);
            while (at > 0 && nearest[at - 1] < s) { nearest[at] = nearest[at - 1]; at--; }
            nearest[at] = s;
            if (count < nearest.Length) count++;
        }
        double sum = 0;
        // Rounding can put a duplicate's similarity a hair above 1; a distance is never negative.
        foreach (var s in nearest) sum += Math.Max(0, 1 - s);
        return sum / nearest.Length;
    }

    /// <summary>Rows [start, start + count) in double precision, each scaled to unit length; a zero row has no direction
    /// and stays zero (cosine 0, distance 1, to everything).</summary>
    public static double[] UnitRows(FeatureSet features, int start, int count)
    {
        int d = features.Dim;
        var rows = new double[count * d];
        for (int r = 0; r < count; r++)
        {
            var source = features.Row(start + r);
            var row = rows.AsSpan(r * d, d);
            for (int j = 0; j < d; j++) row[j] = source[j];
            double norm = Math.Sqrt(DenseMath.Dot(row, row));
            if (norm > 0)
                for (int j = 0; j < d; j++) row[j] /= norm;
        }
        return rows;
    }
}
