namespace SslAnomaly.Eval;

/// <summary>
/// Per-dimension standardisation z = (x - mean) / std with statistics from the probe's training set
/// (population std, as scikit-learn's StandardScaler; a constant dimension keeps scale 1).
/// </summary>
public sealed record Standardizer(double[] Mean, double[] Std)
{
    public static Standardizer Fit(FeatureSet features)
    {
        int d = features.Dim, n = features.Rows;
        if (n == 0) throw new ArgumentException("Cannot standardise an empty feature set.", nameof(features));
        var mean = new double[d];
        var m2 = new double[d];
        // Welford's update: stable for large feature offsets (post-ReLU features are all positive).
        for (int i = 0; i < n; i++)
        {
            var row = features.Row(i);
            for (int j = 0; j < d; j++)
            {
                double delta = row[j] - mean[j];
                mean[j] += delta / (i + 1);
                m2[j] += delta * (row[j] - mean[j]);
            }
        }
        var std = m2.Select(v => Math.Sqrt(v / n)).Select(s => s > 0 ? s : 1).ToArray();
        return new Standardizer(mean, std);
    }

    public int Dim => Mean.Length;
}
