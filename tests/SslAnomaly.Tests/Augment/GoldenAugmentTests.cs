using System.Text.Json;
using SslAnomaly.Augment;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Augment;

/// <summary>Each batched op against torchvision.transforms.functional with the same fixed parameters (tests/fixtures/gen_augment.py).</summary>
public class GoldenAugmentTests
{
    const double Tolerance = 1e-4;

    static Tensor Load(JsonElement t) => tensor(Fixtures.Floats(t.GetProperty("values")), Fixtures.Shape(t.GetProperty("shape")));
    static Tensor Input() => Load(Fixtures.Json("augment/input.json"));
    static double[] Doubles(JsonElement e, string name) => Fixtures.Doubles(e.GetProperty(name));

    static void AssertClose(JsonElement expected, Tensor actual)
    {
        Assert.Equal(Fixtures.Shape(expected.GetProperty("shape")), actual.shape);
        var want = Fixtures.Floats(expected.GetProperty("values"));
        var got = actual.contiguous().data<float>().ToArray();
        var (deviation, worst) = GoldenDeviation.Of(want, got);
        Assert.True(deviation <= Tolerance, $"element {worst}: expected {want[worst]}, got {got[worst]}");
    }

    [Theory]
    [InlineData("resized_crop_down")]
    [InlineData("resized_crop_up")]
    public void Resized_crop_matches_torchvision_bilinear_without_antialias(string name)
    {
        var f = Fixtures.Json($"augment/{name}.json");
        using var x = Load(f.GetProperty("input"));
        var boxes = f.GetProperty("boxes").EnumerateArray()
            .Select(b => new CropBox(b[0].GetInt32(), b[1].GetInt32(), b[2].GetInt32(), b[3].GetInt32())).ToArray();
        var size = f.GetProperty("size");
        using var y = ResizedCrop.Apply(x, boxes, size[0].GetInt32(), size[1].GetInt32());
        AssertClose(f.GetProperty("expected"), y);
    }

    [Fact]
    public void Horizontal_flip_matches_torchvision()
    {
        using var x = Input();
        using var y = HorizontalFlip.Apply(x, [true, true]);
        AssertClose(Fixtures.Json("augment/hflip.json").GetProperty("expected"), y);
    }

    [Fact]
    public void Grayscale_matches_torchvision()
    {
        using var x = Input();
        using var y = Grayscale.Apply(x, [true, true]);
        AssertClose(Fixtures.Json("augment/grayscale.json").GetProperty("expected"), y);
    }

    [Fact]
    public void Solarize_matches_torchvision()
    {
        var f = Fixtures.Json("augment/solarize.json");
        using var x = Input();
        using var y = Solarize.Apply(x, [true, true], f.GetProperty("threshold").GetDouble());
        AssertClose(f.GetProperty("expected"), y);
    }

    [Theory]
    [InlineData("brightness")]
    [InlineData("contrast")]
    [InlineData("saturation")]
    [InlineData("hue")]
    public void Colour_adjustments_match_torchvision(string name)
    {
        var f = Fixtures.Json($"augment/adjust_{name}.json");
        var factors = Doubles(f, "factors");
        using var x = Input();
        using var y = name switch
        {
            "brightness" => ColorJitter.AdjustBrightness(x, factors),
            "contrast" => ColorJitter.AdjustContrast(x, factors),
            "saturation" => ColorJitter.AdjustSaturation(x, factors),
            _ => ColorJitter.AdjustHue(x, factors),
        };
        AssertClose(f.GetProperty("expected"), y);
    }

    [Fact]
    public void Color_jitter_applies_each_samples_own_order()
    {
        var f = Fixtures.Json("augment/color_jitter.json");
        var order = f.GetProperty("order").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        var p = new JitterParams([true, true], Doubles(f, "brightness"), Doubles(f, "contrast"), Doubles(f, "saturation"), Doubles(f, "hue"), order);
        using var x = Input();
        using var y = ColorJitter.Apply(x, p);
        AssertClose(f.GetProperty("expected"), y);
    }

    [Fact]
    public void Gaussian_blur_matches_torchvision_with_per_sample_sigma()
    {
        var f = Fixtures.Json("augment/gaussian_blur.json");
        using var x = Input();
        using var y = GaussianBlur.Apply(x, f.GetProperty("kernel_size").GetInt32(), Doubles(f, "sigmas"));
        AssertClose(f.GetProperty("expected"), y);
    }

    [Fact]
    public void Normalize_matches_torchvision()
    {
        var f = Fixtures.Json("augment/normalize.json");
        using var x = Input();
        using var y = ImageNormalization.Normalize(x, Fixtures.Floats(f.GetProperty("mean")), Fixtures.Floats(f.GetProperty("std")));
        AssertClose(f.GetProperty("expected"), y);
    }

    [Fact]
    public void Unselected_samples_are_left_bit_identical()
    {
        using var x = Input();
        var p = new JitterParams([false, true], [1.2, 1.2], [0.8, 0.8], [1.1, 1.1], [0.1, 0.1], [[0, 1, 2, 3], [3, 2, 1, 0]]);
        using var y = ColorJitter.Apply(x, p);
        using var blurred = GaussianBlur.Random(x, new Generator(1), 0.0, 7, (0.5, 1.0));
        Assert.True(y[0].eq(x[0]).all().item<bool>());
        Assert.False(y[1].eq(x[1]).all().item<bool>());
        Assert.True(blurred.eq(x).all().item<bool>());
    }
}
