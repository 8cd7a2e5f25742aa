using SslAnomaly.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Backbones;

/// <remarks>Alone: the draw-count test reads libtorch's global generator, which tests running beside it advance.</remarks>
[Collection(nameof(SslAnomaly.Tests.Numerics.KernelCheckTests))]
public class Conv3x3Tests
{
    /// <summary>
    /// Forward and both gradients against a float64 convolution with the same weight (libtorch's float64 convolution does
    /// not go through oneDNN, whose fp32 backward-data on 2x2 maps was wrong or NaN on AMD Zen 5): maps up to 2x2 run as
    /// products (both storages, both input layouts), the 3x3 map through the convolution itself.
    /// </summary>
    [Theory]
    [InlineData(2, 2, true, true)]
    [InlineData(2, 2, false, true)]
    [InlineData(2, 2, true, false)]
    [InlineData(1, 1, true, true)]
    [InlineData(1, 2, false, false)]
    [InlineData(2, 1, true, true)]
    [InlineData(3, 3, true, true)]
    [InlineData(4, 3, false, true)]
    public void Matches_conv2d_forward_and_backward(int height, int width, bool tapMajor, bool channelsLast)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var conv = new Conv3x3(6, 5, tapMajor);
        var input = randn(3, 6, height, width);
        if (channelsLast) input = ResNet18.ToChannelsLast(input);
        var gradOutput = randn(3, 5, height, width);

        var x1 = input.detach().requires_grad_(true);
        var y1 = conv.call(x1);
        y1.backward([gradOutput]);
        var weightGrad = conv.Weight.grad!.clone();
        conv.Weight.grad = null;

        var reference = conv.Weight.detach().contiguous().to_type(float64).requires_grad_(true);
        var x2 = input.detach().contiguous().to_type(float64).requires_grad_(true);
        var y2 = nn.functional.conv2d(x2, reference, padding: [1, 1]);
        y2.backward([gradOutput.to_type(float64)]);
        y2 = y2.to_type(float32);
        x2.grad = x2.grad!.to_type(float32);
        reference.grad = reference.grad!.to_type(float32);

        Assert.Equal(y2.shape, y1.shape);
        Assert.True(y1.allclose(y2, rtol: 1e-5, atol: 1e-5), $"forward differs by {(y1 - y2).abs().max().ToSingle():E2}");
        Assert.True(x1.grad!.allclose(x2.grad!, rtol: 1e-5, atol: 1e-5), $"input gradient differs by {(x1.grad! - x2.grad!).abs().max().ToSingle():E2}");
        Assert.True(weightGrad.allclose(reference.grad!, rtol: 1e-5, atol: 1e-5), $"weight gradient differs by {(weightGrad - reference.grad!).abs().max().ToSingle():E2}");
        // The weight's gradient arrives in the weight's own strides (no copy into another layout per step).
        Assert.Equal(conv.Weight.stride(), weightGrad.stride());
    }

    [Fact]
    public void Tap_major_storage_keeps_shape_values_and_the_generators_draws()
    {
        manual_seed(5);
        using var torchConv = nn.Conv2d(8, 4, 3, stride: 1, padding: 1, bias: false);
        float nextAfterTorch = rand(1).ToSingle();
        foreach (bool tapMajor in new[] { true, false })
        {
            manual_seed(5);
            using var conv = new Conv3x3(8, 4, tapMajor);
            Assert.Equal(nextAfterTorch, rand(1).ToSingle()); // the same draws taken, so later layers initialise as before
            Assert.Equal(new long[] { 4, 8, 3, 3 }, conv.Weight.shape);
            Assert.True(conv.Weight.eq(torchConv.weight!).all().ToBoolean());
            Assert.Equal(!tapMajor, conv.Weight.is_contiguous());
            Assert.Equal(["weight"], conv.named_parameters().Select(p => p.name));
        }
        using var a = new Conv3x3(8, 4, tapMajor: true);
        using var b = new Conv3x3(8, 4, tapMajor: false);
        manual_seed(9);
        a.InitialiseLikeTorchvision();
        manual_seed(9);
        b.InitialiseLikeTorchvision();
        Assert.True(a.Weight.eq(b.Weight).all().ToBoolean());
    }

    /// <summary>ResNet-18 stores tap-major exactly where its maps will be at most 2x2: layer4 at 64 px, nowhere at 224 px.</summary>
    [Theory]
    [InlineData(64, ResNetStem.ImageNet, new[] { "layer4" })]
    [InlineData(224, ResNetStem.ImageNet, new string[0])]
    [InlineData(16, ResNetStem.Small, new[] { "layer4" })]
    [InlineData(32, ResNetStem.ImageNet, new[] { "layer3", "layer4" })]
    public void ResNet18_stores_tap_major_where_maps_are_small(int resolution, ResNetStem stem, string[] tapMajorLayers)
    {
        using var net = new ResNet18(new BackboneConfig(BackboneConfig.ResNet18, resolution, Stem: stem), stem);
        var layers = net.named_modules().Where(m => m.module is Conv3x3 { TapMajor: true }).Select(m => m.name.Split('.')[0]).Distinct();
        Assert.Equal(tapMajorLayers, layers);
        // torchvision's names and shapes whatever the storage.
        Assert.Equal(new long[] { 512, 512, 3, 3 }, net.named_parameters().Single(p => p.name == "layer4.1.conv2.weight").parameter.shape);
    }
}
