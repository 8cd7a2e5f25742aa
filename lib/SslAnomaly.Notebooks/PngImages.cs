using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Notebooks;

/// <summary>One encoded image of a grid, with its size in pixels and an optional caption.</summary>
public sealed record ImageTile(byte[] Png, int Width, int Height, string? Caption)
{
    public string DataUri => "data:image/png;base64," + Convert.ToBase64String(Png);
}

/// <summary>PNG encoding of tensors and image files (SkiaSharp), for data URIs in notebook outputs.</summary>
public static class PngImages
{
    /// <summary>
    /// Encodes images [N,C,H,W], [C,H,W] or [H,W] with C = 1 or 3. Floats are read as 0..1 (clamped) unless
    /// <paramref name="rescale"/> stretches each image's min..max to 0..1 (for normalised inputs); uint8 as 0..255.
    /// </summary>
    public static IReadOnlyList<ImageTile> FromTensor(Tensor images, IReadOnlyList<string>? captions = null, bool rescale = false)
    {
        using var scope = NewDisposeScope();
        var t = images.detach().cpu();
        while (t.dim() < 4) t = t.unsqueeze(0);
        if (t.dim() != 4 || (t.shape[1] != 1 && t.shape[1] != 3))
            throw new ArgumentException($"expected images shaped [N,3,H,W], [3,H,W], [N,1,H,W] or [H,W]; got [{string.Join(",", images.shape)}].", nameof(images));
        long n = t.shape[0], h = t.shape[2], w = t.shape[3];
        Tensor bytes;
        if (t.dtype == ScalarType.Byte) bytes = t;
        else
        {
            var f = t.to_type(ScalarType.Float32);
            if (rescale)
            {
                var flat = f.flatten(1);
                var lo = flat.min(1).values.view(-1, 1, 1, 1);
                var hi = flat.max(1).values.view(-1, 1, 1, 1);
                f = (f - lo) / (hi - lo).clamp_min(1e-12);
            }
            bytes = (f.clamp(0, 1) * 255).round().to_type(ScalarType.Byte);
        }
        if (bytes.shape[1] == 1) bytes = bytes.expand(n, 3, h, w);
        var rgb = bytes.permute(0, 2, 3, 1).contiguous().data<byte>().ToArray(); // N,H,W,3
        var tiles = new List<ImageTile>();
        int pixels = (int)(h * w);
        for (int i = 0; i < n; i++)
        {
            var rgba = new byte[pixels * 4];
            for (int p = 0; p < pixels; p++)
            {
                int src = (i * pixels + p) * 3;
                rgba[p * 4] = rgb[src];
                rgba[p * 4 + 1] = rgb[src + 1];
                rgba[p * 4 + 2] = rgb[src + 2];
                rgba[p * 4 + 3] = 255;
            }
            tiles.Add(new ImageTile(EncodeRgba(rgba, (int)w, (int)h), (int)w, (int)h, Caption(captions, i)));
        }
        return tiles;
    }

    /// <summary>Decodes image files (any format Skia reads) and re-encodes them as PNG, shrunk to <paramref name="maxSide"/>.</summary>
    public static IReadOnlyList<ImageTile> FromFiles(IEnumerable<string> paths, IReadOnlyList<string>? captions = null, int maxSide = 160)
    {
        var tiles = new List<ImageTile>();
        int i = 0;
        foreach (var path in paths)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"image {path} does not exist.", path);
            using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} is not an image SkiaSharp can decode.");
            double scale = Math.Min(1.0, (double)maxSide / Math.Max(decoded.Width, decoded.Height));
            using var resized = scale < 1
                ? decoded.Resize(new SKImageInfo(Math.Max(1, (int)(decoded.Width * scale)), Math.Max(1, (int)(decoded.Height * scale))), SKFilterQuality.Medium)
                : decoded.Copy();
            using var data = resized.Encode(SKEncodedImageFormat.Png, 100);
            tiles.Add(new ImageTile(data.ToArray(), resized.Width, resized.Height, Caption(captions, i++)));
        }
        return tiles;
    }

    static byte[] EncodeRgba(byte[] rgba, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    static string? Caption(IReadOnlyList<string>? captions, int i) => captions is not null && i < captions.Count ? captions[i] : null;
}
