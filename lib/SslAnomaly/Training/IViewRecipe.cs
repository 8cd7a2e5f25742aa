using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>
/// Turns a batch of images into the augmented views a method trains on (view v of image i is row i of views[v]). All
/// randomness must come from <paramref name="generator"/> in <see cref="MakeViews"/>: the trainer checkpoints its state,
/// which makes resumed runs repeat the exact views.
/// </summary>
public interface IViewRecipe
{
    /// <summary>Views produced per image.</summary>
    int ViewCount { get; }

    IReadOnlyList<Tensor> MakeViews(Tensor images, Generator generator);
}

/// <summary>A view recipe from a delegate (for the augmentation pipeline or tests).</summary>
public sealed class DelegateViewRecipe(int viewCount, Func<Tensor, Generator, IReadOnlyList<Tensor>> makeViews) : IViewRecipe
{
    public int ViewCount { get; } = viewCount;

    public IReadOnlyList<Tensor> MakeViews(Tensor images, Generator generator)
    {
        var views = makeViews(images, generator);
        if (views.Count != ViewCount) throw new InvalidOperationException($"view recipe promised {ViewCount} views and made {views.Count}");
        return views;
    }
}
