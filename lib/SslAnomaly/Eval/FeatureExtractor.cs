using SslAnomaly.Backbones;
using static TorchSharp.torch;

namespace SslAnomaly.Eval;

/// <summary>
/// Frozen features of a pretrained backbone: eval mode (batch-norm running statistics, no dropout), no
/// gradients, one forward per batch, float32 rows on the CPU. The backbone's mode is restored afterwards.
/// </summary>
public static class FeatureExtractor
{
    public static FeatureSet Extract(Backbone backbone, IEnumerable<LabeledBatch> batches, IProgress<int>? rowsDone = null)
    {
        var device = backbone.parameters().FirstOrDefault()?.device ?? CPU;
        bool wasTraining = backbone.training;
        var values = new List<float>();
        var labels = new List<SampleLabel>();
        backbone.eval();
        try
        {
            using var _ = no_grad();
            foreach (var batch in batches)
            {
                using var noCollection = Native.NoCollectionScope.Enter();
                using var scope = NewDisposeScope();
                using var images = batch.Images;
                if (images.shape[0] != batch.Labels.Count)
                    throw new ArgumentException($"A batch holds {images.shape[0]} images but {batch.Labels.Count} labels.");
                var features = backbone.forward(images.to(device));
                if (features.dim() != 2 || features.shape[1] != backbone.FeatureDim)
                    throw new InvalidOperationException($"Backbone returned shape [{string.Join(", ", features.shape)}], expected [B, {backbone.FeatureDim}].");
                // ToArray copies in bulk; enumerating the accessor costs a native call per element.
                values.AddRange(features.to(CPU).to_type(float32).contiguous().data<float>().ToArray());
                labels.AddRange(batch.Labels);
                rowsDone?.Report(labels.Count);
            }
        }
        finally
        {
            backbone.train(wasTraining);
        }
        return new FeatureSet(values.ToArray(), backbone.FeatureDim, labels.Select(l => l.Filename).ToArray(), TruthOf(labels));
    }

    /// <summary>Codes are kept only when every row has them: F2_CIW over a partly labelled set would be wrong.</summary>
    static GroundTruth TruthOf(IReadOnlyList<SampleLabel> labels)
    {
        int withCodes = labels.Count(l => l.CodeMask is not null);
        if (withCodes != 0 && withCodes != labels.Count)
            throw new ArgumentException($"{withCodes} of {labels.Count} rows carry Sewer-ML codes; give codes for all rows or none.");
        return new GroundTruth(labels.Select(l => l.Defect).ToArray(), withCodes == 0 ? null : labels.Select(l => l.CodeMask!.Value).ToArray());
    }
}
