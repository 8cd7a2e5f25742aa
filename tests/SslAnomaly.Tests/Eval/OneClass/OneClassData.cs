namespace SslAnomaly.Tests.Eval.OneClass;

/// <summary>Feature sets for the one-class tests: rows as given, or normals around one centre with defects pushed away.</summary>
static class OneClassData
{
    public static FeatureSet Features(float[] values, int dim, bool[]? labels = null)
    {
        int rows = values.Length / dim;
        return new FeatureSet(values, dim, Enumerable.Range(0, rows).Select(i => $"{i:D8}.png").ToArray(), new GroundTruth(labels ?? new bool[rows]));
    }

    /// <summary><paramref name="rows"/> images, round(share x rows) of them defects, in seeded order: normals are N(2, 1) per
    /// dimension (off-centre, like pooled post-ReLU features), defects the same moved down by <paramref name="separation"/>
    /// along the first four dimensions, which turns their direction as well (the kNN detector sees only directions).</summary>
    public static FeatureSet Synthetic(int rows, double defectShare, int dim, int seed, double separation = 3)
    {
        var random = new Random(seed);
        int defects = (int)Math.Round(defectShare * rows);
        var labels = Enumerable.Range(0, rows).Select(i => i < defects).ToArray();
        random.Shuffle(labels);
        var values = new float[rows * dim];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < dim; j++)
                values[i * dim + j] = (float)(2 + Gaussian(random) + (labels[i] && j < 4 ? -separation : 0));
        return Features(values, dim, labels);
    }

    static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
