namespace SslAnomaly.Eval.OneClass;

/// <summary>The names result.json gives detectors and pools (docs/one-class.md).</summary>
public static class OneClassNames
{
    public static string Of(DetectorKind detector) => detector switch
    {
        DetectorKind.Knn => "knn",
        DetectorKind.Mahalanobis => "mahalanobis",
        _ => throw new ArgumentOutOfRangeException(nameof(detector), detector, null),
    };

    public static string Of(ReferencePool pool) => pool switch
    {
        ReferencePool.Clean => "clean",
        ReferencePool.Contaminated => "contaminated",
        _ => throw new ArgumentOutOfRangeException(nameof(pool), pool, null),
    };

    /// <summary>The key of one detector on one pool in result.json's <c>one_class</c> object, e.g. "knn_clean".</summary>
    public static string Key(DetectorKind detector, ReferencePool pool) => $"{Of(detector)}_{Of(pool)}";
}
