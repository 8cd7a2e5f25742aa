using SslAnomaly.Augment;
using SslAnomaly.Methods;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Experiments;

/// <summary>The augmentation module's per-method view recipe as the trainer's view maker.</summary>
public sealed class AugmentedViews(ViewRecipe recipe) : IViewRecipe
{
    public ViewRecipe Recipe { get; } = recipe;
    public int ViewCount => Recipe.ViewCount;
    public IReadOnlyList<Tensor> MakeViews(Tensor images, Generator generator) => Recipe.Apply(images, generator);

    /// <summary>The paper's pipeline with the experiment's crop/jitter settings, split into the method's views.</summary>
    public static AugmentedViews For(ExperimentConfig config)
    {
        var a = config.Augmentation;
        var pipeline = (AugmentationPipeline.Paper with
        {
            CropMinScale = a.MinScale,
            JitterProbability = a.JitterProbability,
            GrayscaleProbability = a.GrayscaleProbability,
            FlipProbability = a.FlipProbability,
        }).WithJitterStrength(a.TVal).Validate();
        // Without method recipes every method sees the same symmetric pipeline (the paper's ablation setting).
        var recipe = a.MethodViewRecipes
            ? ViewRecipe.For(config.Method.Name, config.Resolution, pipeline)
            : ViewRecipe.For("simclr", config.Resolution, pipeline);
        return new AugmentedViews(recipe);
    }
}
