using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>One kind of view: its pipeline, output size, and how many such views per image.</summary>
public sealed record ViewSpec(AugmentationPipeline Pipeline, int Size, int Count = 1);

/// <summary>
/// The views a method trains on, built from one base pipeline (the paper's by default) as solo-learn and
/// the original papers do:
/// <list type="bullet">
/// <item>SimCLR, Barlow Twins: two views of the same pipeline (symmetric).</item>
/// <item>BYOL, DINO: two asymmetric views: blur p 1.0 / 0.1, solarisation p 0 / 0.2 (BYOL paper).</item>
/// <item>DINO multi-crop (optional): extra local views at about 96/224 of the size, crop scale
/// (0.05, global min scale), blur p 0.5.</item>
/// <item>MAE: one view, crop and flip only. Supervised: one view of the base pipeline.</item>
/// </list>
/// </summary>
public sealed record ViewRecipe(string Method, IReadOnlyList<ViewSpec> Views)
{
    public static readonly IReadOnlyList<string> Methods = ["simclr", "byol", "barlow", "dino", "mae", "supervised", SslAnomaly.Methods.RandomInit.Name];

    public int ViewCount => Views.Sum(v => v.Count);

    public static ViewRecipe For(string method, int resolution, AugmentationPipeline? basePipeline = null, int localCrops = 0, int? localSize = null)
    {
        var b = (basePipeline ?? AugmentationPipeline.Paper).Validate();
        if (localCrops < 0) throw new UserInputException($"local crops must be >= 0, not {localCrops}");
        if (localCrops > 0 && method != "dino") throw new UserInputException($"multi-crop (local crops) is a DINO option, not for {method}");
        var strong = b with { BlurProbability = 1.0, SolarizeProbability = 0.0 };
        var weak = b with { BlurProbability = 0.1, SolarizeProbability = 0.2 };
        ViewSpec[] views = method switch
        {
            "simclr" or "barlow" => [new(b, resolution, 2)],
            "byol" => [new(strong, resolution), new(weak, resolution)],
            "dino" => [new(strong, resolution), new(weak, resolution)],
            "mae" => [new(b with { JitterProbability = 0, GrayscaleProbability = 0, BlurProbability = 0, SolarizeProbability = 0 }, resolution)],
            "supervised" => [new(b, resolution)],
            // The floor never draws a view; one plain view keeps the trainer's set-up uniform.
            SslAnomaly.Methods.RandomInit.Name => [new(b, resolution)],
            _ => throw new UserInputException($"unknown method '{method}' (valid: {string.Join(", ", Methods)})"),
        };
        if (localCrops > 0)
        {
            var size = localSize ?? Math.Max(16, (int)Math.Round(resolution * 96.0 / 224 / 8) * 8);
            var local = b with { CropMinScale = Math.Min(0.05, b.CropMinScale), CropMaxScale = b.CropMinScale, BlurProbability = 0.5, SolarizeProbability = 0 };
            views = [.. views, new ViewSpec(local, size, localCrops)];
        }
        return new ViewRecipe(method, views);
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
