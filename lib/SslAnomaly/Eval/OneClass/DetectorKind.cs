namespace SslAnomaly.Eval.OneClass;

/// <summary>A one-class detector on frozen features: it learns what normal looks like and scores distance from it.</summary>
public enum DetectorKind
{
    /// <summary>Mean cosine distance to the k nearest reference images (DN2, PANDA): <see cref="KnnDetector"/>.</summary>
    Knn,
    /// <summary>Squared Mahalanobis distance to one Gaussian fitted to the reference, Ledoit-Wolf shrinkage: <see cref="GaussianDetector"/>.</summary>
    Mahalanobis,
}
