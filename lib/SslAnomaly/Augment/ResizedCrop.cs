using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SslAnomaly.Augment;

/// <summary>A crop rectangle in pixels (torchvision's (i, j, h, w)).</summary>
public readonly record struct CropBox(int Top, int Left, int Height, int Width);

/// <summary>
/// RandomResizedCrop on a batch, each sample with its own box, in one <c>grid_sample</c> call.
/// <see cref="Apply"/> equals torchvision's <c>resized_crop(img, top, left, h, w, size, BILINEAR,
/// antialias=False)</c> per sample: the sampling grid reproduces <c>interpolate(align_corners=False)</c>
/// on the crop, including its clamping at the crop's edges. <see cref="SampleBoxes"/> follows
/// <c>RandomResizedCrop.get_params</c> (10 tries, then a centre crop).
/// </summary>
public static class ResizedCrop
{
    public static Tensor Apply(Tensor images, IReadOnlyList<CropBox> boxes, int outHeight, int outWidth)
    {
        long n = images.shape[0], height = images.shape[2], width = images.shape[3];
        if (boxes.Count != n) throw new ArgumentException($"one box per sample ({n})", nameof(boxes));
        using var scope = NewDisposeScope();
        var xs = new float[n * outWidth];
        var ys = new float[n * outHeight];
        for (int b = 0; b < n; b++)
        {
            var box = boxes[b];
            if (box.Top < 0 || box.Left < 0 || box.Height <= 0 || box.Width <= 0 || box.Top + box.Height > height || box.Left + box.Width > width)
                throw new ArgumentException($"box {box} of sample {b} is outside the {width}x{height} image", nameof(boxes));
            Fill(xs.AsSpan(b * outWidth, outWidth), box.Left, box.Width, width);
            Fill(ys.AsSpan(b * outHeight, outHeight), box.Top, box.Height, height);
        }
        var gx = tensor(xs, [n, 1, outWidth]).to(images.device).expand(n, outHeight, outWidth);
        var gy = tensor(ys, [n, outHeight, 1]).to(images.device).expand(n, outHeight, outWidth);
        var grid = stack([gx, gy], -1).to(images.dtype);
        return F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false).MoveToOuterDisposeScope();
    }

    /// <summary>Normalised grid coordinates of the output pixels along one axis.</summary>
    static void Fill(Span<float> target, int offset, int length, long size)
    {
        var scale = (double)length / target.Length;
        for (int o = 0; o < target.Length; o++)
        {
            // interpolate(align_corners=False): source = (o + 0.5)·scale − 0.5, clamped to the crop.
            var source = Math.Clamp((o + 0.5) * scale - 0.5, 0, length - 1);
            target[o] = (float)((2 * (offset + source) + 1) / size - 1);
        }
    }

    public static CropBox[] SampleBoxes(Generator generator, int count, int height, int width, (double Min, double Max) scale, (double Min, double Max) ratio)
    {
        if (count == 0) return [];
        const int tries = 10;
        var u = RandomDraws.Uniform(generator, count * (tries * 2 + 2), 0, 1);
        var area = (double)height * width;
        double logMin = Math.Log(ratio.Min), logMax = Math.Log(ratio.Max);
        var boxes = new CropBox[count];
        for (int b = 0; b < count; b++)
        {
            var draws = u.AsSpan(b * (tries * 2 + 2), tries * 2 + 2);
            boxes[b] = Fallback(height, width, ratio);
            for (int t = 0; t < tries; t++)
            {
                var target = area * (scale.Min + (scale.Max - scale.Min) * draws[2 * t]);
                var aspect = Math.Exp(logMin + (logMax - logMin) * draws[2 * t + 1]);
                var w = (int)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
                var h = (int)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
                if (w > 0 && w <= width && h > 0 && h <= height)
                {
                    var top = (int)Math.Min(height - h, Math.Floor(draws[^2] * (height - h + 1)));
                    var left = (int)Math.Min(width - w, Math.Floor(draws[^1] * (width - w + 1)));
                    boxes[b] = new CropBox(top, left, h, w);
                    break;
                }
            }
        }
        return boxes;
    }

    /// <summary>torchvision's fallback: the largest centred crop whose aspect ratio is within range.</summary>
    static CropBox Fallback(int height, int width, (double Min, double Max) ratio)
    {
        var inRatio = (double)width / height;
        int w = width, h = height;
        if (inRatio < ratio.Min) h = (int)Math.Round(w / ratio.Min, MidpointRounding.ToEven);
        else if (inRatio > ratio.Max) w = (int)Math.Round(h * ratio.Max, MidpointRounding.ToEven);
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /// <summary>Random boxes from <paramref name="generator"/>, then <see cref="Apply"/>.</summary>
    public static Tensor Random(Tensor images, Generator generator, int outSize, (double Min, double Max) scale, (double Min, double Max) ratio)
    {
        var boxes = SampleBoxes(generator, (int)images.shape[0], (int)images.shape[2], (int)images.shape[3], scale, ratio);
        return Apply(images, boxes, outSize, outSize);
    }
}
