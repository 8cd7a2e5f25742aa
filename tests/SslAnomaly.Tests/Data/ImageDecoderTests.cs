using SkiaSharp;

namespace SslAnomaly.Tests.Data;

public class ImageDecoderTests
{
    /// <summary>A deterministic RGB test pattern (HWC).</summary>
    internal static byte[] Pattern(int width, int height, int seed = 0)
    {
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)((i * 37 + seed * 101 + i / 7) % 256);
        return rgb;
    }

    internal static string WritePng(string path, int width, int height, int seed = 0)
    {
        File.WriteAllBytes(path, ImageDecoder.EncodePng(Pattern(width, height, seed), width, height));
        return path;
    }

    static byte[] Solid(int width, int height, byte r, byte g, byte b) =>
        Enumerable.Range(0, width * height).SelectMany(_ => new[] { r, g, b }).ToArray();

    [Fact]
    public void Png_at_its_own_size_decodes_to_the_exact_pixels()
    {
        using var dir = new TempDir();
        var path = WritePng(dir.File("a.png"), 7, 5);
        Assert.Equal(Pattern(7, 5), ImageDecoder.DecodeRgb(path, 7, 5));
    }

    [Fact]
    public void Resizing_ignores_the_aspect_ratio_and_keeps_flat_colours()
    {
        using var dir = new TempDir();
        var path = dir.File("flat.png");
        File.WriteAllBytes(path, ImageDecoder.EncodePng(Solid(40, 30, 200, 100, 50), 40, 30));

        var rgb = ImageDecoder.DecodeRgb(path, 16, 8);

        Assert.Equal(16 * 8 * 3, rgb.Length);
        Assert.Equal(Solid(16, 8, 200, 100, 50), rgb);
    }

    [Fact]
    public void Jpeg_decodes_close_to_the_original()
    {
        using var dir = new TempDir();
        var path = dir.File("a.jpg");
        var info = new SKImageInfo(64, 48, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var bitmap = new SKBitmap(info))
        {
            bitmap.Erase(new SKColor(30, 140, 220));
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
            File.WriteAllBytes(path, data.ToArray());
        }

        var rgb = ImageDecoder.DecodeRgb(path, 16, 16);

        Assert.All(Enumerable.Range(0, rgb.Length / 3), i =>
        {
            Assert.InRange(rgb[3 * i], 25, 35);
            Assert.InRange(rgb[3 * i + 1], 135, 145);
            Assert.InRange(rgb[3 * i + 2], 215, 225);
        });
    }

    [Fact]
    public void Truncated_png_is_an_error_naming_the_file()
    {
        using var dir = new TempDir();
        var path = WritePng(dir.File("cut.png"), 32, 32);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);

        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeRgb(path, 16, 16));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, "not a readable PNG or JPEG")]
    public void Garbage_is_an_error_naming_the_file(byte[] content, string problem)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.png");
        File.WriteAllBytes(path, content);

        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeRgb(path, 8, 8));

        Assert.Contains("bad.png", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.IsAssignableFrom<UserInputException>(e);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        using var dir = new TempDir();
        Assert.Contains("gone.png: file not found", Assert.Throws<ImageDecodeException>(() => ImageDecoder.DecodeRgb(dir.File("gone.png"), 8, 8)).Message);
    }
}
