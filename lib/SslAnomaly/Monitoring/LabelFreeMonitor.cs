using SslAnomaly.Eval.LabelFree;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Monitoring;

/// <summary>The model's outputs for one batch of images: backbone features and, where the method has one, projector embeddings.</summary>
public sealed record ViewEncoding(Tensor Backbone, Tensor? Projector);

/// <summary>
/// Logs the label-free metric suite (<c>Eval.LabelFree.LabelFreeMetrics.All</c>) each epoch under "labelfree/&lt;metric&gt;/{backbone,projector}"
/// (<see cref="LabelFreeMetric.CurveName"/>). The spectral metrics (alpha-ReQ, NESum, effective rank) use the same
/// monitoring-sample features as RankMe. The view metrics (LiDAR, alignment, uniformity, kNN agreement) need augmented
/// views: <paramref name="makeViews"/> augments a small fixed image set (64 images x 4 views by default, a cost of about
/// half a monitoring sample's forward pass) with a generator re-seeded from <paramref name="seed"/> every epoch, so each
/// epoch sees the same views and the training's random streams are untouched. LiDAR uses every view; alignment,
/// uniformity and kNN agreement the first two. Without <paramref name="makeViews"/> only the spectral metrics are logged.
/// </summary>
public sealed class LabelFreeMonitor(
    Func<Generator, IReadOnlyList<Tensor>>? makeViews = null,
    Func<Tensor, ViewEncoding>? encode = null,
    ulong seed = 0,
    int knnK = KnnAgreement.DefaultK,
    IDisposable? resources = null) : ITrainingMonitor, IDisposable
{
    public const int DefaultImages = 64;
    public const int DefaultViews = 4;

    public string Name => "labelfree";

    /// <summary>Frees what the view maker holds (the fixed images), if the caller handed it over.</summary>
    public void Dispose() => resources?.Dispose();

    /// <summary>The values logged at the latest epoch, by curve name.</summary>
    public IReadOnlyDictionary<string, double> Latest { get; private set; } = new Dictionary<string, double>();

    public void OnEpochEnd(EpochSnapshot snapshot, IMetricsSink sink)
    {
        var values = new Dictionary<string, double>();
        Spectral(FeatureSpace.Backbone, snapshot.BackboneFeatures, values);
        if (snapshot.ProjectorEmbeddings is { } projector) Spectral(FeatureSpace.Projector, projector, values);
        if (makeViews is not null && encode is not null) Views(values);
        foreach (var (name, value) in values) sink.Log(snapshot.Step, name, value);
        sink.Flush();
        Latest = values;
    }

    static void Spectral(FeatureSpace space, Tensor features, Dictionary<string, double> values)
    {
        if (features.shape[0] < 2) return;
        var eigenvalues = Spectrum.CovarianceEigenvalues(features);
        values[LabelFreeMetrics.AlphaReq.CurveName(space)] = AlphaReq.FromEigenvalues(eigenvalues);
        values[LabelFreeMetrics.NeSum.CurveName(space)] = NeSum.FromEigenvalues(eigenvalues);
        values[LabelFreeMetrics.EffectiveRank.CurveName(space)] = EffectiveRank.Compute(features);
    }

    void Views(Dictionary<string, double> values)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new Generator(seed);
        var encoded = makeViews!(generator).Select(encode!).ToList();
        if (encoded.Count < 2 || encoded[0].Backbone.shape[0] < 2) return;
        Measure(FeatureSpace.Backbone, encoded.Select(e => e.Backbone).ToList(), values);
        if (encoded.All(e => e.Projector is not null)) Measure(FeatureSpace.Projector, encoded.Select(e => e.Projector!).ToList(), values);
    }

    void Measure(FeatureSpace space, IReadOnlyList<Tensor> views, Dictionary<string, double> values)
    {
        values[LabelFreeMetrics.Lidar.CurveName(space)] = Lidar.Compute(views);
        values[LabelFreeMetrics.Alignment.CurveName(space)] = Alignment.Compute(views[0], views[1]);
        values[LabelFreeMetrics.Uniformity.CurveName(space)] = Uniformity.OfViews(views[0], views[1]);
        values[LabelFreeMetrics.KnnAgreement.CurveName(space)] = KnnAgreement.Compute(views[0], views[1], knnK);
    }
}
