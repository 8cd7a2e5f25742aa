using SslAnomaly.Methods;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// Each method's recipe (Experiments/Recipes/): one for every method on every profile and backbone, its published values
/// the same as its config record's defaults, and the profile-wide scale free of anything a recipe sets.
/// </summary>
public class MethodRecipeTests
{
    [Fact]
    public void Every_method_has_a_recipe_of_its_own_record_on_every_profile_and_backbone()
    {
        foreach (var spec in MethodRegistry.All)
            foreach (var profile in Profiles.Names)
                foreach (var backbone in spec.AcceptedBackbones)
                {
                    var recipe = MethodRecipe.For(spec, profile, backbone);
                    Assert.IsType(spec.ConfigType, recipe.Method);
                    Assert.True(recipe.Epochs is null or > 0, $"{spec.Name} on {profile}: epochs {recipe.Epochs}");
                }
        Assert.Equal("unknown profile 'huge' (valid: smoke, quick, standard, paper).",
            Assert.Throws<UserInputException>(() => MethodRecipe.For(MethodRegistry.Byol, "huge", "resnet18")).Message);
    }

    [Fact]
    public void A_published_recipe_states_its_records_defaults()
    {
        // The recipe files write the published values out so that each reads alone; code that builds a method outside an
        // experiment takes the record's property defaults. They must not drift apart.
        foreach (var spec in MethodRegistry.All)
            Assert.Equal(spec.Defaults, MethodRecipe.Published(spec).Method);
        Assert.Equal(MethodRecipe.Published(MethodRegistry.SimClr).Optimizer, new ExperimentConfig().Optimizer);
    }

    [Fact]
    public void A_profiles_scale_leaves_the_method_and_its_optimiser_to_the_recipe()
    {
        var defaults = new ExperimentConfig();
        foreach (var profile in Profiles.Names)
        {
            var scale = Profiles.Scale(profile);
            Assert.Equal((defaults.Method, defaults.Optimizer), (scale.Method, scale.Optimizer));
            Assert.Equal(profile, scale.Profile);
        }
    }

    [Fact]
    public void The_cpu_profiles_differ_from_the_published_recipes_only_where_the_recipe_files_say()
    {
        Assert.Equal(32, ByolRecipe.For(Profiles.Standard).Epochs);
        Assert.Null(ByolRecipe.For(Profiles.Quick).Epochs);
        Assert.Equal(24, SupervisedRecipe.For(Profiles.Quick, "resnet18").Epochs);
        Assert.Null(SupervisedRecipe.For(Profiles.Quick, "vit-tiny").Epochs);
        Assert.Equal(16, SupervisedRecipe.For(Profiles.Standard, "vit-tiny").Epochs);
        Assert.False(((SupervisedConfig)SupervisedRecipe.For(Profiles.Smoke, "resnet18").Method).ClassBalancedBatches);
        foreach (var spec in MethodRegistry.All)
            Assert.Equal(MethodRecipe.Published(spec).Optimizer with { LarsClipLr = false }, MethodRecipe.For(spec, Profiles.Smoke, spec.AcceptedBackbones[0]).Optimizer);
    }

    /// <summary>The optimiser each method ran with before it had a section of its own: kind, rate per 256 images, decay and the rest.</summary>
    [Theory]
    [InlineData("simclr", "lars", 0.4, 1e-5, true, 0.999)]
    [InlineData("byol", "lars", 1.0, 1e-5, true, 0.999)]
    [InlineData("barlow", "lars", 0.3, 1e-4, true, 0.999)]
    [InlineData("dino", "lars", 0.3, 1e-6, true, 0.999)]
    [InlineData("mae", "adamw", 1.5e-4, 0.05, true, 0.95)]
    [InlineData("supervised", "sgd", 0.1, 1e-4, false, 0.999)]
    [InlineData("random-init", "lars", 0.3, 1e-5, true, 0.999)]
    public void Default_optimisers_are_unchanged(string method, string kind, double lr, double weightDecay, bool excludeBiasAndNorm, double beta2)
    {
        var o = MethodRecipe.Published(MethodRegistry.Get(method)).Optimizer;
        Assert.Equal((kind, lr, weightDecay, excludeBiasAndNorm, beta2), (o.Kind, o.LearningRate, o.WeightDecay, o.ExcludeBiasAndNorm, o.Beta2));
        Assert.Equal((true, 0.9, 0.02, 1e-8, true, 0.9, 1e-8), (o.ScaleLrWithBatch, o.Momentum, o.LarsEta, o.LarsEps, o.LarsClipLr, o.Beta1, o.AdamEps));
        Assert.Equal((10.0, 0.1, 0.0, 0.0, 0.0), (o.WarmupEpochs, o.WarmupMaxFraction, o.WarmupStartLr, o.MinLr, o.GradClipNorm));
        Assert.Equal(lr * 512 / 256, o.ScaledLearningRate(512), 15);
    }
}
