using SslAnomaly.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Backbones;

public class BackboneTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void ResNet18_trunk_has_torchvisions_parameter_count()
    {
        using var net = BackboneFactory.Create(new BackboneConfig(BackboneConfig.ResNet18, 224));
        Assert.Equal(11_176_512, net.ParameterCount());
        using var small = BackboneFactory.Create(new BackboneConfig(BackboneConfig.ResNet18, 32));
        Assert.Equal(11_176_512 - 64 * 3 * 7 * 7 + 64 * 3 * 3 * 3, small.ParameterCount());
    }

    [Fact]
    public void VitTiny_trunk_has_timms_parameter_count_at_224_patch_16()
    {
        using var net = BackboneFactory.Create(new BackboneConfig(BackboneConfig.VitTiny, 224, PatchSize: 16));
        Assert.Equal(5_524_416, net.ParameterCount());
    }

    [Theory]
    [InlineData(BackboneConfig.ResNet18, 32, 512)]
    [InlineData(BackboneConfig.ResNet18, 64, 512)]
    [InlineData(BackboneConfig.ResNet18, 224, 512)]
    [InlineData(BackboneConfig.VitTiny, 32, 192)]
    [InlineData(BackboneConfig.VitTiny, 64, 192)]
    [InlineData(BackboneConfig.VitTiny, 224, 192)]
    public void Output_is_the_pooled_feature_at_each_resolution(string name, int resolution, int dim)
    {
        using var scope = NewDisposeScope();
        using var net = BackboneFactory.Create(new BackboneConfig(name, resolution));
        net.eval();
        using var noGrad = no_grad();
        var y = net.call(randn(2, 3, resolution, resolution));
        Assert.Equal(new long[] { 2, dim }, y.shape);
        Assert.Equal(dim, net.FeatureDim);
        Assert.True(isfinite(y).all().item<bool>());
    }

    [Fact]
    public void Vit_token_sequence_has_class_token_plus_patches()
    {
        using var scope = NewDisposeScope();
        using var vit = (VisionTransformer)BackboneFactory.Create(new BackboneConfig(BackboneConfig.VitTiny, 64));
        Assert.Equal(8, vit.PatchSize);
        using var noGrad = no_grad();
        var tokens = vit.ForwardTokens(randn(2, 3, 64, 64));
        Assert.Equal(new long[] { 2, 1 + 64, 192 }, tokens.shape);
    }

    [Fact]
    public void Bad_configs_get_clear_errors()
    {
        var e = Assert.Throws<UserInputException>(() => BackboneFactory.Resolve(new BackboneConfig(BackboneConfig.VitTiny, 100, PatchSize: 16)));
        Assert.Contains("not divisible by the patch size 16", e.Message);
        e = Assert.Throws<UserInputException>(() => BackboneFactory.Resolve(new BackboneConfig("resnet50", 64)));
        Assert.Contains("resnet18, vit-tiny", e.Message);
    }

    public static TheoryData<string> GoldenCases() =>
    [
        "resnet18_small_stem_32px_eval", "resnet18_small_stem_32px_train", "resnet18_imagenet_stem_64px_eval",
        "vit_tiny_p4_32px", "vit_tiny_p8_32px_at_64px",
    ];

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Forward_matches_pytorch_reference_with_the_same_weights(string fixture)
    {
        using var scope = NewDisposeScope();
        var golden = Fixtures.Json($"backbones/{fixture}.json");
        var config = new BackboneConfig(
            golden.GetProperty("backbone").GetString()!,
            golden.GetProperty("resolution").GetInt32(),
            golden.GetProperty("patch_size").GetInt32(),
            golden.GetProperty("stem").GetString() is { Length: > 0 } stem ? Enum.Parse<ResNetStem>(stem) : ResNetStem.Auto);
        using var net = BackboneFactory.Create(config);

        // Same layout: parameter names and shapes as PyTorch's state_dict (minus num_batches_tracked).
        var expectedLayout = golden.GetProperty("parameters").EnumerateArray()
            .Select(p => (p[0].GetString()!, string.Join("x", Fixtures.Shape(p[1])))).ToList();
        var ourLayout = net.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape)))
            .Concat(net.named_buffers().Where(b => !b.name.EndsWith("num_batches_tracked")).Select(b => (b.name, string.Join("x", b.buffer.shape))))
            .ToList();
        Assert.Equal(expectedLayout.OrderBy(p => p.Item1, StringComparer.Ordinal), ourLayout.OrderBy(p => p.Item1, StringComparer.Ordinal));

        DeterministicWeights.Fill(net);
        net.train(golden.GetProperty("train_mode").GetBoolean());
        int inputResolution = golden.GetProperty("input_resolution").GetInt32();
        using var noGrad = no_grad();
        var y = net.call(DeterministicWeights.Input([2, 3, inputResolution, inputResolution]));

        var expected = tensor(Fixtures.Floats(golden.GetProperty("output"))).reshape(Fixtures.Shape(golden.GetProperty("output_shape")));
        Assert.Equal(expected.shape, y.shape);
        double maxDiff = (y - expected).abs().max().item<float>();
        output.WriteLine($"{fixture}: max |ours - pytorch| = {maxDiff:E2}");
        Assert.True(maxDiff < 1e-4, $"{fixture}: max |ours - pytorch| = {maxDiff:E2}");
    }
}
