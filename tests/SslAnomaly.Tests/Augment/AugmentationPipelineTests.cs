using SslAnomaly.Augment;
using SslAnomaly.Methods;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Augment;

public class AugmentationPipelineTests
{
    static Tensor Images(int n = 6, int size = 24, long seed = 0) => rand([n, 3, size, size], generator: new Generator((ulong)seed));

    [Fact]
    public void Sampled_crop_boxes_respect_scale_ratio_and_bounds()
    {
        var boxes = ResizedCrop.SampleBoxes(new Generator(3), 500, 60, 80, (0.395, 1.0), (3.0 / 4, 4.0 / 3));
        Assert.All(boxes, b =>
        {
            Assert.InRange(b.Top, 0, 60 - b.Height);
            Assert.InRange(b.Left, 0, 80 - b.Width);
            // Rounding to whole pixels moves area and ratio slightly past the drawn values.
            Assert.InRange(b.Height * b.Width / 4800.0, 0.37, 1.0);
            Assert.InRange((double)b.Width / b.Height, 0.7, 1.45);
        });
        Assert.Contains(boxes, b => b.Height * b.Width < 0.5 * 4800);
        Assert.Equal(boxes, ResizedCrop.SampleBoxes(new Generator(3), 500, 60, 80, (0.395, 1.0), (3.0 / 4, 4.0 / 3)));
    }

    [Fact]
    public void Impossible_ratios_fall_back_to_torchvisions_centre_crop()
    {
        // A 10x100 strip cannot hold a crop with ratio <= 4/3 at scale >= 0.9: centre crop of ratio 4/3.
        var box = Assert.Single(ResizedCrop.SampleBoxes(new Generator(0), 1, 10, 100, (0.9, 1.0), (3.0 / 4, 4.0 / 3)));
        Assert.Equal(new CropBox(0, 43, 10, 13), box);
    }

    [Fact]
    public void Jitter_parameters_follow_torchvision_ranges_with_a_permutation_per_sample()
    {
        var p = ColorJitter.Sample(new Generator(1), 400, 0.8, 0.275, 0.275, 0.275, 0.1375);
        Assert.All(p.Brightness.Concat(p.Contrast).Concat(p.Saturation), f => Assert.InRange(f, 0.725, 1.275));
        Assert.All(p.Hue, h => Assert.InRange(h, -0.1375, 0.1375));
        Assert.All(p.Order, o => Assert.Equal([0, 1, 2, 3], o.Order()));
        Assert.True(p.Order.Select(o => string.Join("", o)).Distinct().Count() > 12);
        Assert.InRange(p.Apply.Count(a => a), 280, 360);
    }

    [Fact]
    public void Pipeline_output_is_normalised_at_the_requested_size_and_reproducible_from_the_generator()
    {
        using var x = Images();
        var pipeline = AugmentationPipeline.Paper with { BlurProbability = 0.5, SolarizeProbability = 0.5 };

        using var a = pipeline.Apply(x, 16, new Generator(42));
        using var b = pipeline.Apply(x, 16, new Generator(42));
        using var c = pipeline.Apply(x, 16, new Generator(43));
        using var raw = (pipeline with { Normalize = false }).Apply(x, 16, new Generator(42));

        Assert.Equal(new long[] { 6, 3, 16, 16 }, a.shape);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
        Assert.InRange(raw.min().item<float>(), 0f, 1f);
        Assert.InRange(raw.max().item<float>(), 0f, 1f);
        using var renormalised = ImageNormalization.Normalize(raw);
        Assert.True(renormalised.allclose(a, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Identity_settings_reduce_the_pipeline_to_a_full_frame_resize()
    {
        using var x = Images();
        var identity = new AugmentationPipeline
        {
            CropMinScale = 1, CropMinRatio = 1, CropMaxRatio = 1, FlipProbability = 0, JitterProbability = 0,
            GrayscaleProbability = 0, Normalize = false,
        };
        using var y = identity.Apply(x, 24, new Generator(0));
        Assert.True(y.allclose(x, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Method_recipes_follow_solo_learn()
    {
        var byol = ViewRecipe.For("byol", 64);
        Assert.Equal(2, byol.ViewCount);
        Assert.Equal((1.0, 0.0), (byol.Views[0].Pipeline.BlurProbability, byol.Views[0].Pipeline.SolarizeProbability));
        Assert.Equal((0.1, 0.2), (byol.Views[1].Pipeline.BlurProbability, byol.Views[1].Pipeline.SolarizeProbability));
        Assert.All(byol.Views, v => Assert.Equal((0.395, 0.275, 0.1375), (v.Pipeline.CropMinScale, v.Pipeline.Brightness, v.Pipeline.Hue)));

        var simclr = ViewRecipe.For("simclr", 64, AugmentationPipeline.Paper.WithJitterStrength(0.4));
        Assert.Equal(2, simclr.ViewCount);
        Assert.Equal(0.2, Assert.Single(simclr.Views).Pipeline.Hue, 12);

        var dino = ViewRecipe.For("dino", 224, localCrops: 6);
        Assert.Equal(8, dino.ViewCount);
        Assert.Equal((96, 6), (dino.Views[2].Size, dino.Views[2].Count));
        Assert.Equal((0.05, 0.395), (dino.Views[2].Pipeline.CropMinScale, dino.Views[2].Pipeline.CropMaxScale));

        var mae = Assert.Single(ViewRecipe.For("mae", 64).Views);
        Assert.Equal((0.0, 0.0), (mae.Pipeline.JitterProbability, mae.Pipeline.GrayscaleProbability));

        Assert.Contains("valid: simclr, byol, barlow, dino, mae, supervised", Assert.Throws<UserInputException>(() => ViewRecipe.For("moco", 64)).Message);
        Assert.Throws<UserInputException>(() => ViewRecipe.For("simclr", 64, localCrops: 2));
    }

    [Fact]
    public void Recipes_produce_every_view_at_its_size()
    {
        using var x = Images(4, 32);
        var views = ViewRecipe.For("dino", 32, localCrops: 2, localSize: 16).Apply(x, new Generator(5));
        Assert.Equal([32, 32, 16, 16], views.Select(v => (int)v.shape[2]));
        foreach (var v in views) v.Dispose();
    }

    [Theory]
    [InlineData("crop scale")]
    [InlineData("hue")]
    [InlineData("blur probability")]
    public void Out_of_range_parameters_are_user_errors_naming_the_parameter(string what)
    {
        var bad = what switch
        {
            "crop scale" => AugmentationPipeline.Paper with { CropMinScale = 1.2 },
            "hue" => AugmentationPipeline.Paper with { Hue = 0.7 },
            _ => AugmentationPipeline.Paper with { BlurProbability = -0.1 },
        };
        Assert.Contains(what.Split(' ')[0], Assert.Throws<UserInputException>(() => bad.Validate()).Message);
    }
}
