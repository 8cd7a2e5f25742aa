using System.Text.Json.Nodes;
using SslAnomaly.Augment;
using SslAnomaly.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>One augmentation case: the views of a method's recipe.</summary>
public sealed record AugmentResult(string Recipe, IReadOnlyList<string> Methods, int Views, Comparison Comparison);

/// <summary>
/// The augmentation pipeline's throughput: images per second turned into all the views a method's recipe makes
/// (<see cref="ViewRecipe.Apply"/> on a float batch in [0, 1], the trainer's input), against torchvision's transforms
/// applied per PIL image in the solo-learn manner (RandomResizedCrop, ColorJitter, grayscale, blur, solarise, flip,
/// ToTensor, Normalize, then stacking into a batch). Methods with the same recipe share one case.
/// </summary>
public sealed class AugmentBench(BenchOptions options, PythonReference? python)
{
    /// <summary>Recipe cases and the methods each one serves.</summary>
    public static readonly IReadOnlyList<(string Recipe, string[] Methods)> Recipes =
    [
        ("simclr", ["simclr", "barlow"]),
        ("byol", ["byol", "dino"]),
        ("mae", ["mae"]),
        ("supervised", ["supervised"]),
    ];

    public AugmentResult Run(string recipeName, IReadOnlyList<string> methods, int resolution, int batch)
    {
        using var scope = NewDisposeScope();
        var recipe = ViewRecipe.For(recipeName, resolution);
        using var generator = new Generator(3);
        // Smooth random images in [0, 1] (upsampled noise), the trainer's input at the training resolution.
        var coarse = rand([batch, 3, Math.Max(2, resolution / 8), Math.Max(2, resolution / 8)], generator: generator);
        var images = nn.functional.interpolate(coarse, [resolution, resolution], mode: InterpolationMode.Bilinear, align_corners: false).clamp(0, 1);
        int batches = options.Quick ? 2 : 4;

        Window Ours()
        {
            return Window.Measure((long)batches * batch, () =>
            {
                for (int i = 0; i < batches; i++)
                    foreach (var view in recipe.Apply(images, generator)) view.Dispose();
            });
        }

        Func<Window>? theirs = null;
        if (python is not null)
        {
            var views = new JsonArray();
            foreach (var spec in recipe.Views)
                for (int i = 0; i < spec.Count; i++) views.Add(ViewJson(spec));
            python.Call(new JsonObject { ["op"] = "augment_setup", ["resolution"] = resolution, ["batch"] = batch, ["views"] = views });
            theirs = () =>
            {
                var reply = python.Call(new JsonObject { ["op"] = "augment_run", ["batches"] = batches });
                return new Window(reply["seconds"]!.GetValue<double>(), (long)batches * batch, reply["cpu_seconds"]!.GetValue<double>());
            };
        }
        return new AugmentResult(recipeName, methods, recipe.ViewCount, Interleaved.Run(options.Rounds, Ours, theirs));
    }

    static JsonObject ViewJson(ViewSpec spec)
    {
        var p = spec.Pipeline;
        double sigmaScale = spec.Size / 224.0; // as AugmentationPipeline.Apply scales BYOL's 224 px sigmas
        return new JsonObject
        {
            ["size"] = spec.Size,
            ["crop_min_scale"] = p.CropMinScale,
            ["crop_max_scale"] = p.CropMaxScale,
            ["jitter_p"] = p.JitterProbability,
            ["brightness"] = p.Brightness,
            ["contrast"] = p.Contrast,
            ["saturation"] = p.Saturation,
            ["hue"] = p.Hue,
            ["grayscale_p"] = p.GrayscaleProbability,
            ["blur_p"] = p.BlurProbability,
            ["blur_sigma_min"] = p.BlurSigmaMin * sigmaScale,
            ["blur_sigma_max"] = p.BlurSigmaMax * sigmaScale,
            ["solarize_p"] = p.SolarizeProbability,
            ["flip_p"] = p.FlipProbability,
            ["mean"] = new JsonArray(p.Mean.Select(v => JsonValue.Create((double)v)).ToArray<JsonNode?>()),
            ["std"] = new JsonArray(p.Std.Select(v => JsonValue.Create((double)v)).ToArray<JsonNode?>()),
        };
    }
}
