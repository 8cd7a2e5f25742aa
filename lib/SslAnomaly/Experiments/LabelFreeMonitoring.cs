using SslAnomaly.Methods;
using SslAnomaly.Monitoring;
using static TorchSharp.torch;

namespace SslAnomaly.Experiments;

/// <summary>
/// Wires <see cref="LabelFreeMonitor"/> into a run: the first 64 images of the monitoring sample, four views each of the
/// run's own augmentation pipeline in its symmetric form (the same recipe for every method, so the view metrics compare
/// across methods), encoded by the method's backbone and projector in eval mode.
/// </summary>
public static class LabelFreeMonitoring
{
    /// <param name="monitorImages">The normalised monitoring sample [N, 3, H, W]; the monitor keeps a [0, 1] copy of its first rows and frees it when disposed.</param>
    public static LabelFreeMonitor Create(ExperimentConfig config, SslMethod method, Tensor monitorImages,
        int images = LabelFreeMonitor.DefaultImages, int views = LabelFreeMonitor.DefaultViews)
    {
        long n = Math.Min(images, monitorImages.shape[0]);
        var raw = Denormalize(monitorImages.narrow(0, 0, n)).DetachFromDisposeScope();
        var recipe = AugmentedViews.For(config with { Augmentation = config.Augmentation with { MethodViewRecipes = false } }).Recipe;
        IReadOnlyList<Tensor> MakeViews(Generator generator)
        {
            var made = new List<Tensor>();
            while (made.Count < views) made.AddRange(recipe.Apply(raw, generator));
            return made.Take(views).ToList();
        }
        ViewEncoding Encode(Tensor x)
        {
            var features = method.Backbone.call(x);
            return new ViewEncoding(features, method.ProjectorEmbeddings(features));
        }
        return new LabelFreeMonitor(MakeViews, Encode, seed: unchecked((ulong)config.Seed * 0x9E3779B97F4A7C15UL + 14), resources: raw);
    }

    /// <summary>Undoes <c>ImageNormalization.Normalize</c> with Sewer-ML's statistics (the augmentations expect [0, 1] pixels).</summary>
    static Tensor Denormalize(Tensor normalized)
    {
        using var scope = NewDisposeScope();
        var mean = tensor(Data.SewerMlCodes.Mean.ToArray(), [1, 3, 1, 1]).to(normalized.dtype, normalized.device);
        var std = tensor(Data.SewerMlCodes.Std.ToArray(), [1, 3, 1, 1]).to(normalized.dtype, normalized.device);
        return normalized.mul(std).add_(mean).clamp_(0, 1).MoveToOuterDisposeScope();
    }
}
