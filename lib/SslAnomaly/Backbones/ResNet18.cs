using TorchSharp;
using SslAnomaly.Numerics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Backbones;

/// <summary>
/// ResNet-18 in torchvision's layout and parameter names (conv1, bn1, layer1..4, downsample.0/1), without
/// the fc layer: returns the globally pooled 512-d feature. The ImageNet stem (7x7 stride 2 + max-pool)
/// suits >= 96 px; the small-image stem (3x3 stride 1, no pool) keeps spatial detail for 32-64 px inputs.
/// </summary>
public sealed class ResNet18 : Backbone
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly nn.Module<Tensor, Tensor> maxpool;
    readonly Sequential layer1, layer2, layer3, layer4;
    readonly long conv1Stride, conv1Padding;

    public ResNet18(BackboneConfig config, ResNetStem stem) : base(nameof(ResNet18), config)
    {
        Stem = stem;
        (int kernel, conv1Stride, conv1Padding) = stem == ResNetStem.Small ? (3, 1L, 1L) : (7, 2L, 3L);
        conv1 = nn.Conv2d(3, 64, kernel, stride: conv1Stride, padding: conv1Padding, bias: false);
        bn1 = nn.BatchNorm2d(64);
        maxpool = stem == ResNetStem.Small ? nn.Identity() : nn.MaxPool2d(3, stride: 2, padding: 1);
        // Each layer's map side at the configured resolution decides where the 3x3 weights are stored tap-major.
        int side = stem == ResNetStem.Small ? config.Resolution : Halve(Halve(config.Resolution));
        layer1 = Layer(64, 64, stride: 1, side);
        layer2 = Layer(64, 128, stride: 2, side = Halve(side));
        layer3 = Layer(128, 256, stride: 2, side = Halve(side));
        layer4 = Layer(256, 512, stride: 2, Halve(side));
        RegisterComponents();
        InitialiseLikeTorchvision();
    }

    public ResNetStem Stem { get; }
    public override int FeatureDim => 512;

    /// <summary>Set SSL_ANOMALY_CHANNELS_LAST=0 to run the convolutions in NCHW (for comparisons).</summary>
    public const string ChannelsLastVariable = "SSL_ANOMALY_CHANNELS_LAST";

    /// <summary>
    /// Whether the forward pass runs channels-last (NHWC strides). libtorch's oneDNN convolutions, batch norms and
    /// pools are faster on NHWC data, and a convolution whose input is channels-last keeps that layout for its output,
    /// so one copy of the input switches the whole network, backward included. Measured at 64 px, batch 64, 2 cores:
    /// forward 135 -> 108 ms, forward + backward 390 -> 340 ms. TorchSharp 0.107 has no memory-format API; a
    /// permute-contiguous-permute round trip makes the same strides.
    /// </summary>
    public static bool ChannelsLast { get; set; } = Environment.GetEnvironmentVariable(ChannelsLastVariable) is not ("0" or "false" or "off");

    /// <summary>The same values as <paramref name="images"/> [B, C, H, W] in channels-last strides.</summary>
    public static Tensor ToChannelsLast(Tensor images) => Kernels.ToLayout(images, MemoryLayout.ChannelsLast);

    /// <summary>A stride-2 convolution's (or pool's) output side: ceil(side / 2) for kernels 3 and 7 with padding k / 2.</summary>
    static int Halve(int side) => (side + 1) / 2;

    static Sequential Layer(int inChannels, int outChannels, int stride, int outputSide)
    {
        // Tap-major storage only pays where the products run; libtorch's convolution would copy it back on every call.
        bool tapMajor = SmallMapConvolution.Enabled && outputSide <= Conv3x3.MaxProductSide;
        return nn.Sequential(("0", new BasicBlock(inChannels, outChannels, stride, tapMajor)), ("1", new BasicBlock(outChannels, outChannels, 1, tapMajor)));
    }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        // In-place ReLUs, as torchvision's ReLU(inplace=True): BatchNorm's and the residual sum's outputs are not needed
        // by their backward passes, so overwriting them saves one activation-sized buffer per ReLU.
        var input = InComputePrecision(ChannelsLast ? ToChannelsLast(images) : images);
        var stem = Kernels.Conv2d(input, conv1.weight!, null, conv1Stride, conv1Padding);
        var x = maxpool.call(Kernels.BatchNorm(bn1, stem).relu_());
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        return FromComputePrecision(x).mean([2, 3]).MoveToOuterDisposeScope(); // adaptive average pool to 1x1, flattened
    }

    /// <summary>torchvision: Kaiming-normal (fan_out, ReLU) convolutions, BN weight 1 and bias 0.</summary>
    void InitialiseLikeTorchvision()
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv) nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else if (module is Conv3x3 conv3x3) conv3x3.InitialiseLikeTorchvision();
            else if (module is BatchNorm2d bn) { nn.init.ones_(bn.weight!); nn.init.zeros_(bn.bias!); }
        }
    }

    /// <summary>
    /// Two 3x3 convolutions with a residual; a 1x1 projection when the shape changes. The stride-1 convolutions are
    /// <see cref="Conv3x3"/> (products on maps of at most 2x2), the stride-2 one libtorch's.
    /// </summary>
    sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        readonly nn.Module<Tensor, Tensor> conv1, conv2;
        readonly BatchNorm2d bn1, bn2;
        readonly Sequential? downsample;
        readonly long stride;

        public BasicBlock(int inChannels, int outChannels, int stride, bool tapMajor) : base(nameof(BasicBlock))
        {
            this.stride = stride;
            conv1 = stride == 1 ? new Conv3x3(inChannels, outChannels, tapMajor) : nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(outChannels);
            conv2 = new Conv3x3(outChannels, outChannels, tapMajor);
            bn2 = nn.BatchNorm2d(outChannels);
            if (stride != 1 || inChannels != outChannels)
                downsample = nn.Sequential(("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)), ("1", nn.BatchNorm2d(outChannels)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var y = Kernels.BatchNorm(bn2, conv2.call(Kernels.BatchNorm(bn1, Convolve(conv1, x, stride, 1)).relu_()));
            var identity = downsample is null ? x : Kernels.BatchNorm((BatchNorm2d)downsample[1], Kernels.Conv2d(x, ((Conv2d)downsample[0]).weight!, null, stride, 0));
            return y.add_(identity).relu_().MoveToOuterDisposeScope();
        }

        /// <summary>A stride-2 Conv2d holds the weights (torchvision's names and draws) and the checked kernel runs them; a
        /// <see cref="Conv3x3"/> runs the checked kernel itself.</summary>
        static Tensor Convolve(nn.Module<Tensor, Tensor> conv, Tensor x, long stride, long padding) =>
            conv is Conv2d plain ? Kernels.Conv2d(x, plain.weight!, null, stride, padding) : conv.call(x);
    }
}
