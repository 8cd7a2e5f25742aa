namespace SslAnomaly.Eval.OneClass;

/// <summary>A detector fitted to reference features without defect labels: larger scores are more anomalous.</summary>
public interface IOneClassDetector
{
    DetectorKind Kind { get; }

    /// <summary>An anomaly score per row of <paramref name="queries"/>, on the detector's own scale.</summary>
    double[] Score(FeatureSet queries);
}

/// <summary>Fits the detector a <see cref="DetectorKind"/> names.</summary>
public static class OneClassDetector
{
    public static IOneClassDetector Fit(DetectorKind kind, FeatureSet reference, OneClassOptions options) => kind switch
    {
        DetectorKind.Knn => KnnDetector.Fit(reference, options.K),
        DetectorKind.Mahalanobis => GaussianDetector.Fit(reference),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
