using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>
/// The number format a backbone computes its activations in. Weights, optimiser state, heads and losses stay float32
/// whatever this says: under <see cref="BFloat16"/> each convolution and linear layer casts its float32 weight to bfloat16
/// for the product (the gradient returns to the float32 weight through the cast), batch and layer norms take bfloat16
/// input with float32 parameters, and the backbone's features leave in float32. That is what PyTorch's CPU autocast
/// does for these ops; TorchSharp has no autocast, so the backbones and <see cref="Kernels"/> do it themselves. Worth
/// it where the CPU multiplies bfloat16 natively (AVX512_BF16, AMX); elsewhere libtorch emulates it, slower than float32.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ComputePrecision>))]
public enum ComputePrecision
{
    [JsonStringEnumMemberName("float32")] Float32,
    [JsonStringEnumMemberName("bfloat16")] BFloat16,
}

public static class ComputePrecisions
{
    /// <summary>The precision an activation of <paramref name="dtype"/> computes in (float32 for anything but bfloat16).</summary>
    public static ComputePrecision Of(ScalarType dtype) => dtype == bfloat16 ? ComputePrecision.BFloat16 : ComputePrecision.Float32;

    /// <summary>The name config.json and the CLI use.</summary>
    public static string Name(this ComputePrecision precision) => precision == ComputePrecision.BFloat16 ? "bfloat16" : "float32";
}
