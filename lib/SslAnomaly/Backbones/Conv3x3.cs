using TorchSharp;
using SslAnomaly.Numerics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Backbones;

/// <summary>
/// A 3x3, stride-1, padding-1 convolution without bias, with torchvision's parameter ("weight", [out, in, 3, 3]), that
/// runs maps of at most 2x2 as matrix products. On such a map every output position sees every input position through
/// exactly one tap, so the convolution is y_q = sum_p x_p W[tap(p, q)]: one batched product per output position, with
/// no multiply spent on padding. ResNet-18's layer4 gets 2x2 maps at 64 px (ImageNet stem), where oneDNN's direct
/// convolution runs at a fraction of its usual speed: forward and backward of one 512-channel layer took 26-31 ms
/// against 14.5 ms as products from tap-major storage (batch 64, 2 cores). Larger maps take libtorch's convolution.
/// </summary>
public sealed class Conv3x3 : nn.Module<Tensor, Tensor>
{
    /// <summary>The largest map side the products handle (<see cref="SmallMapConvolution"/>).</summary>
    public const int MaxProductSide = SmallMapConvolution.MaxSide;

    readonly Parameter weight;

    /// <param name="tapMajor">
    /// Store the weight tap-major ([3, 3, in, out] in memory, the same [out, in, 3, 3] values and shape): the products
    /// then read each tap's [in, out] block contiguously. Worth it only where the maps will be small; libtorch's
    /// convolution copies such a weight to its own layout on each call.
    /// </param>
    public Conv3x3(int inChannels, int outChannels, bool tapMajor) : base(nameof(Conv3x3))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        TapMajor = tapMajor;
        var storage = tapMajor ? empty(3, 3, inChannels, outChannels).permute(3, 2, 0, 1) : empty(outChannels, inChannels, 3, 3);
        weight = new Parameter(storage);
        register_parameter("weight", weight);
        // torch's Conv2d.reset_parameters, drawn in [out, in, 3, 3] order: the same values, and the same draws taken from
        // the generator, as the nn.Conv2d this replaces, so a seed still gives the network it gave before.
        Draw(w => nn.init.kaiming_uniform_(w, a: Math.Sqrt(5)));
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public bool TapMajor { get; }
    public Parameter Weight => weight;

    /// <summary>Kaiming-normal (fan_out, ReLU) as torchvision, drawn in [out, in, 3, 3] order whatever the storage.</summary>
    public void InitialiseLikeTorchvision() =>
        Draw(w => nn.init.kaiming_normal_(w, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU));

    /// <summary>Fills a contiguous [out, in, 3, 3] tensor with <paramref name="init"/> and copies it into the weight.</summary>
    void Draw(Action<Tensor> init)
    {
        using var noGrad = no_grad();
        using var drawn = empty(OutChannels, InChannels, 3, 3);
        init(drawn);
        weight.copy_(drawn);
    }

    /// <summary>Small maps as products, larger ones through libtorch's convolution; both under the kernel check.</summary>
    public override Tensor forward(Tensor input) => Kernels.Conv2d(input, weight, null, stride: 1, padding: 1);
}
