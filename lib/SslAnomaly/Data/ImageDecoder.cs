using System.Buffers;
using SkiaSharp;

namespace SslAnomaly.Data;

/// <summary>An image that could not be read or decoded; the message names the file.</summary>
public sealed class ImageDecodeException(string path, string problem, Exception? inner = null)
    : UserInputException($"image {path}: {problem}", inner)
{
    public string ImagePath { get; } = path;
    public string Problem { get; } = problem;
}

/// <summary>
/// Decodes PNG and JPEG files (SkiaSharp) to 8-bit RGB, resized to a fixed width x height without keeping
/// the aspect ratio, like the official loader's <c>Resize((224, 224))</c>. Alpha is dropped as PIL's
/// <c>convert("RGB")</c> does. Output layout is HWC (what the decoded cache stores); tensors are built
/// per batch. Truncated or corrupt files raise <see cref="ImageDecodeException"/>. Thread-safe.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Bytes of one decoded image: height x width x 3.</summary>
    public static int ByteCount(int width, int height) => checked(width * height * 3);

    public static byte[] DecodeRgb(string path, int width, int height)
    {
        var result = new byte[ByteCount(width, height)];
        DecodeRgb(path, width, height, result);
        return result;
    }

    public static void DecodeRgb(string path, int width, int height, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (destination.Length != ByteCount(width, height)) throw new ArgumentException($"destination must hold {ByteCount(width, height)} bytes", nameof(destination));

        byte[] file;
        try { file = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, e is FileNotFoundException ? "file not found" : $"cannot read: {e.Message}", e);
        }
        if (file.Length == 0) throw new ImageDecodeException(path, "the file is empty");

        using var data = SKData.CreateCopy(file);
        using var codec = SKCodec.Create(data) ?? throw new ImageDecodeException(path, "not a readable PNG or JPEG (unknown format or corrupt header)");
        var size = DecodeSize(codec, width, height);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var decoded = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            unsafe
            {
                fixed (byte* decodedPtr = decoded)
                {
                    var status = codec.GetPixels(info, (IntPtr)decodedPtr);
                    if (status != SKCodecResult.Success)
                        throw new ImageDecodeException(path, status == SKCodecResult.IncompleteInput ? "truncated (the image data ends early)" : $"decoding failed ({status})");
                    if (size.Width == width && size.Height == height)
                    {
                        RgbaToRgb(decoded.AsSpan(0, info.BytesSize), destination);
                        return;
                    }
                    var targetInfo = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
                    var resized = ArrayPool<byte>.Shared.Rent(targetInfo.BytesSize);
                    try
                    {
                        fixed (byte* resizedPtr = resized)
                        {
                            using var src = new SKPixmap(info, (IntPtr)decodedPtr);
                            using var dst = new SKPixmap(targetInfo, (IntPtr)resizedPtr);
                            // Medium = bilinear over mip-maps: anti-aliased when shrinking, like PIL's resize.
                            if (!src.ScalePixels(dst, SKFilterQuality.Medium))
                                throw new ImageDecodeException(path, $"resizing {size.Width}x{size.Height} to {width}x{height} failed");
                        }
                        RgbaToRgb(resized.AsSpan(0, targetInfo.BytesSize), destination);
                    }
                    finally { ArrayPool<byte>.Shared.Return(resized); }
                }
            }
        }
        finally { ArrayPool<byte>.Shared.Return(decoded); }
    }

    /// <summary>JPEG can decode at 1/2..1/8 scale for free: use the smallest scale still at least the target.</summary>
    static SKSizeI DecodeSize(SKCodec codec, int width, int height)
    {
        var full = codec.Info.Size;
        if (full.Width <= 0 || full.Height <= 0) return full;
        var scale = Math.Max((float)width / full.Width, (float)height / full.Height);
        if (scale >= 1) return full;
        var scaled = codec.GetScaledDimensions(scale);
        return scaled.Width >= width && scaled.Height >= height ? scaled : full;
    }

    static void RgbaToRgb(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
    }

    /// <summary>Encodes 8-bit RGB (HWC) as PNG; deterministic for the same pixels and SkiaSharp version.</summary>
    public static byte[] EncodePng(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (rgb.Length != ByteCount(width, height)) throw new ArgumentException($"expected {ByteCount(width, height)} bytes", nameof(rgb));
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
            {
                rgba[i] = rgb[j];
                rgba[i + 1] = rgb[j + 1];
                rgba[i + 2] = rgb[j + 2];
                rgba[i + 3] = 255;
            }
            unsafe
            {
                fixed (byte* p = rgba)
                {
                    using var pixmap = new SKPixmap(info, (IntPtr)p);
                    using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, zLibLevel: 6))
                        ?? throw new InvalidOperationException("PNG encoding failed");
                    return data.ToArray();
                }
            }
        }
        finally { ArrayPool<byte>.Shared.Return(rgba); }
    }
}
