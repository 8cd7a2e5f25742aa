using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Data;

/// <summary>
/// One batch from a <see cref="BatchSource"/>: 8-bit pixels [B, 3, H, W] on the CPU (a quarter of the bytes
/// of float, so moving it to the accelerator is cheap) and which images they are. Augmentations and
/// normalisation run afterwards on the device that holds the batch.
/// </summary>
public sealed class ImageBatch(int epoch, int batchIndex, int[] indices, Tensor pixels, int skipped) : IDisposable
{
    public int Epoch { get; } = epoch;
    /// <summary>Position of this batch in its epoch (what a resumed run starts from).</summary>
    public int BatchIndex { get; } = batchIndex;
    /// <summary>Indices into the source's image list, one per row of <see cref="Pixels"/>.</summary>
    public int[] Indices { get; } = indices;
    /// <summary>uint8 [B, 3, H, W], CPU.</summary>
    public Tensor Pixels { get; } = pixels;
    /// <summary>Images of this batch left out because they could not be decoded (skip mode).</summary>
    public int Skipped { get; } = skipped;
    public int Count => Indices.Length;

    /// <summary>Pixels as float in [0, 1] on <paramref name="device"/> (CPU when null).</summary>
    public Tensor ToFloat(Device? device = null)
    {
        using var moved = device is null ? Pixels.alias() : Pixels.to(device);
        return moved.to_type(ScalarType.Float32).div_(255f);
    }

    /// <summary>
    /// The evaluation input: pixels in [0, 1] normalised with the dataset's mean/std (Sewer-ML's by
    /// default), on <paramref name="device"/>. Training instead augments <see cref="ToFloat"/> first.
    /// </summary>
    public Tensor ToNormalized(Device? device = null, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null)
    {
        using var x = ToFloat(device);
        return ImageNormalization.Normalize(x, mean, std);
    }

    /// <summary>Labels of this batch's images, gathered from a per-image array of the source.</summary>
    public T[] Gather<T>(IReadOnlyList<T> perImage) => Indices.Select(i => perImage[i]).ToArray();

    public void Dispose() => Pixels.Dispose();
}
