using static TorchSharp.torch;

namespace SslAnomaly.Data;

/// <summary>
/// (x − mean) / std per channel, on the batch's device; Sewer-ML's statistics by default. A property of the dataset that
/// evaluation batches and the augmentation pipeline's last step both apply, so it lives with the data.
/// </summary>
public static class ImageNormalization
{
    public static Tensor Normalize(Tensor images, IReadOnlyList<float>? mean = null, IReadOnlyList<float>? std = null)
    {
        mean ??= SewerMlCodes.Mean;
        std ??= SewerMlCodes.Std;
        using var m = tensor(mean.ToArray(), [1, mean.Count, 1, 1]).to(images.dtype, images.device);
        using var s = tensor(std.ToArray(), [1, std.Count, 1, 1]).to(images.dtype, images.device);
        return images.sub(m).div_(s);
    }
}
