using SslAnomaly.Augment;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// The views a method trains on, built from one base pipeline (the paper's by default) as solo-learn and
/// the original papers do. Which shape a method takes is part of its <see cref="MethodSpec"/>, so the recipe lives with
/// the methods and the augmentations it composes know no method; the shapes are here:
/// <list type="bullet">
/// <item><see cref="SymmetricPair"/> (SimCLR, Barlow Twins): two views of the same pipeline.</item>
/// <item><see cref="AsymmetricPair"/> (BYOL, DINO): blur p 1.0 / 0.1, solarisation p 0 / 0.2 (BYOL paper).</item>
/// <item>DINO multi-crop (optional, <see cref="MethodSpec.MultiCrop"/>): extra local views at about 96/224 of the size,
/// crop scale (0.05, global min scale), blur p 0.5.</item>
/// <item><see cref="CropAndFlip"/> (MAE): one view, crop and flip only. <see cref="Single"/> (supervised): one view of the base pipeline.</item>
/// </list>
/// </summary>
public sealed record ViewRecipe(string Method, IReadOnlyList<ViewSpec> Views)
{
    public int ViewCount => Views.Sum(v => v.Count);

    public static IReadOnlyList<ViewSpec> SymmetricPair(AugmentationPipeline b, int resolution) => [new(b, resolution, 2)];

    public static IReadOnlyList<ViewSpec> AsymmetricPair(AugmentationPipeline b, int resolution) =>
        [new(b with { BlurProbability = 1.0, SolarizeProbability = 0.0 }, resolution), new(b with { BlurProbability = 0.1, SolarizeProbability = 0.2 }, resolution)];

    public static IReadOnlyList<ViewSpec> CropAndFlip(AugmentationPipeline b, int resolution) =>
        [new(b with { JitterProbability = 0, GrayscaleProbability = 0, BlurProbability = 0, SolarizeProbability = 0 }, resolution)];

    public static IReadOnlyList<ViewSpec> Single(AugmentationPipeline b, int resolution) => [new(b, resolution)];

    /// <param name="method">A name in <see cref="MethodRegistry"/>.</param>
    public static ViewRecipe For(string method, int resolution, AugmentationPipeline? basePipeline = null, int localCrops = 0, int? localSize = null) =>
        For(MethodRegistry.Get(method), resolution, basePipeline, localCrops, localSize);

    public static ViewRecipe For(MethodSpec method, int resolution, AugmentationPipeline? basePipeline = null, int localCrops = 0, int? localSize = null)
    {
        var b = (basePipeline ?? AugmentationPipeline.Paper).Validate();
        if (localCrops < 0) throw new UserInputException($"local crops must be >= 0, not {localCrops}");
        if (localCrops > 0 && !method.MultiCrop) throw new UserInputException($"multi-crop (local crops) is a DINO option, not for {method.Name}");
        var views = method.Views(b, resolution);
        if (localCrops > 0)
        {
            var size = localSize ?? Math.Max(16, (int)Math.Round(resolution * 96.0 / 224 / 8) * 8);
            var local = b with { CropMinScale = Math.Min(0.05, b.CropMinScale), CropMaxScale = b.CropMinScale, BlurProbability = 0.5, SolarizeProbability = 0 };
            views = [.. views, new ViewSpec(local, size, localCrops)];
        }
        return new ViewRecipe(method.Name, views);
    }

    /// <summary>All views of a batch, in recipe order (global views first). Caller disposes them.</summary>
    public Tensor[] Apply(Tensor images, Generator generator)
    {
        var result = new List<Tensor>(ViewCount);
        foreach (var spec in Views)
            for (int i = 0; i < spec.Count; i++)
                result.Add(spec.Pipeline.Apply(images, spec.Size, generator));
        return [.. result];
    }
}
