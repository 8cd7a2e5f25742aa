using SslAnomaly.Backbones;
using SslAnomaly.Bench;
using SslAnomaly.Methods;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Bench;

/// <summary>The benchmark's FLOP count against the published numbers (multiply-accumulates, as torchvision and timm quote "GFLOPS").</summary>
public class FlopCounterTests
{
    [Fact]
    public void ResNet18_at_224_px_is_torchvisions_1_82_giga_macs()
    {
        using var scope = NewDisposeScope();
        var backbone = BackboneFactory.Create(new BackboneConfig(BackboneConfig.ResNet18, 224, Stem: ResNetStem.ImageNet));
        double macs = FlopCounter.BackboneForwardMacs(backbone, 224);
        // torchvision: 1.814 G with the 1000-way fc (0.5 M), which our trunk lacks.
        Assert.InRange(macs / 1e9, 1.82 * 0.99, 1.82 * 1.01);
    }

    [Fact]
    public void Executed_macs_leave_out_the_taps_on_zero_padding()
    {
        // A 3x3 convolution with padding 1 on a 2x2 map: each output sees 2x2 of its 3x3 taps, 4 of 9.
        var small = new SslAnomaly.Numerics.ConvOp(1, 8, 2, 2, 8, 3, 1, 1, false, SslAnomaly.Numerics.MemoryLayout.Nchw, false, false);
        Assert.Equal(small.ForwardMacs * 4 / 9, small.ExecutedMacs, 9);
        // Without padding every tap lands inside (the 1x1 downsample).
        var noPad = small with { Kernel = 1, Padding = 0 };
        Assert.Equal(noPad.ForwardMacs, noPad.ExecutedMacs);
        // A brute-force count of the stem (7x7, stride 2, padding 3 on 64 px) against the per-axis product.
        var stem = new SslAnomaly.Numerics.ConvOp(1, 3, 64, 64, 64, 7, 2, 3, false, SslAnomaly.Numerics.MemoryLayout.Nchw, false, false);
        long inside = 0;
        for (long oy = 0; oy < stem.OutHeight; oy++) for (long ox = 0; ox < stem.OutWidth; ox++)
            for (long ky = 0; ky < 7; ky++) for (long kx = 0; kx < 7; kx++)
            {
                long y = oy * 2 - 3 + ky, x = ox * 2 - 3 + kx;
                if (y >= 0 && y < 64 && x >= 0 && x < 64) inside++;
            }
        Assert.Equal(inside * 3.0 * 64, stem.ExecutedMacs);
        // ResNet-18 at 64 px: about a quarter of the counted MACs fall on padding.
        using var scope = NewDisposeScope();
        var count = FlopCounter.BackboneForward(BackboneFactory.Create(new BackboneConfig(BackboneConfig.ResNet18, 64, Stem: ResNetStem.ImageNet)), 64);
        Assert.InRange(count.ExecutedForwardMacs / count.ForwardMacs, 0.70, 0.82);
    }

    [Fact]
    public void ViT_Tiny_16_at_224_px_is_1_26_giga_macs_with_the_attention_products()
    {
        using var scope = NewDisposeScope();
        var backbone = BackboneFactory.Create(new BackboneConfig(BackboneConfig.VitTiny, 224, PatchSize: 16));
        double macs = FlopCounter.BackboneForwardMacs(backbone, 224);
        // Patch embedding 28.9 M, per block 87.2 M in linear layers and 14.9 M in q k^T and a v (197 tokens), 12 blocks: 1.253 G.
        Assert.InRange(macs / 1e9, 1.26 * 0.99, 1.26 * 1.01);
        Assert.Equal(2 * macs, FlopCounter.BackboneForwardMacs(backbone, 224, batch: 2)); // linear in the batch
    }

    [Fact]
    public void A_training_step_counts_the_teacher_once_and_the_student_three_times()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        const int batch = 4, resolution = 32;
        var config = new BackboneConfig(BackboneConfig.ResNet18, resolution, Stem: ResNetStem.Small);
        double perImage = FlopCounter.BackboneForwardMacs(BackboneFactory.Create(config), resolution);
        FlopCount Step(string name)
        {
            using var method = MethodFactory.Create(name, BackboneFactory.Create(config), MethodRegistry.Get(name).Defaults, MethodRecipe.Published(MethodRegistry.Get(name)).Optimizer);
            method.train();
            using var generator = new Generator(1);
            var views = Enumerable.Range(0, method.ViewCount).Select(_ => randn(batch, 3, resolution, resolution)).ToArray();
            var input = new StepInput(views, zeros(batch), new TrainingProgress(0, 0, 10, 1), generator);
            return FlopCounter.Count(method, () => method.TrainingStep(input));
        }

        var simclr = Step("simclr");
        Assert.Equal(0, simclr.FrozenMacs);
        Assert.InRange(simclr.TrainedMacs, 2 * batch * perImage, 2 * batch * perImage * 1.05); // two views plus the projector
        var byol = Step("byol");
        Assert.InRange(byol.FrozenMacs, 2 * batch * perImage, 2 * batch * perImage * 1.05); // the EMA teacher on both views
        Assert.Equal(3 * byol.TrainedMacs + byol.FrozenMacs, byol.StepMacs);
        Assert.Equal(2 * byol.StepMacs, byol.StepFlops);
    }
}
