using System.Diagnostics;
using System.Text.Json.Nodes;
using SkiaSharp;
using SslAnomaly.Data;
using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Bench;

/// <summary>
/// Decoding and synthesis throughput. Decode: frames of the embedded dataset rendered at 288 px (a Sewer-ML-like
/// native size), stored as PNG and JPEG (quality 90), decoded and resized to the training size by
/// <see cref="ImageDecoder.DecodeRgb(string, int, int)"/> on one thread, against PIL's open + convert("RGB") + resize
/// (with draft mode for JPEG, the same reduced-scale decoding our decoder uses). Synthesis: the embedded dataset's
/// frames (render + PNG encode) on one thread and on all cores.
/// </summary>
public sealed class DataBench(BenchOptions options, PythonReference? python) : IDisposable
{
    const int SourceSize = 288;
    readonly string folder = Directory.CreateTempSubdirectory("ssl-anomaly-bench-").FullName;
    readonly Dictionary<string, string[]> files = [];

    int FrameCount => options.Quick ? 24 : 64;

    string[] Files(string format)
    {
        if (files.TryGetValue(format, out var existing)) return existing;
        var paths = new string[FrameCount];
        for (int i = 0; i < FrameCount; i++)
        {
            var rgb = SyntheticSewer.RenderRgb(7, SewerMlSplit.Train, i, SourceSize);
            var bytes = format == "png" ? ImageDecoder.EncodePng(rgb, SourceSize, SourceSize) : EncodeJpeg(rgb, SourceSize, SourceSize, 90);
            paths[i] = Path.Combine(folder, $"frame{i:D3}.{format}");
            File.WriteAllBytes(paths[i], bytes);
        }
        files[format] = paths;
        return paths;
    }

    static byte[] EncodeJpeg(byte[] rgb, int width, int height, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[width * height * 4];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            pixels[i] = rgb[j];
            pixels[i + 1] = rgb[j + 1];
            pixels[i + 2] = rgb[j + 2];
            pixels[i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>Decode images per second of one format to size x size: ours against PIL, interleaved.</summary>
    public Comparison Decode(string format, int size)
    {
        var paths = Files(format);
        var buffer = new byte[ImageDecoder.ByteCount(size, size)];
        Window Ours()
        {
            return Window.Measure(paths.Length, () =>
            {
                foreach (var path in paths) ImageDecoder.DecodeRgb(path, size, size, buffer);
            });
        }
        Func<Window>? theirs = null;
        if (python is not null)
        {
            python.Call(new JsonObject
            {
                ["op"] = "decode_setup", ["width"] = size, ["height"] = size,
                ["files"] = new JsonArray(paths.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            });
            theirs = () =>
            {
                var reply = python.Call(new JsonObject { ["op"] = "decode_run", ["passes"] = 1 });
                return new Window(reply["seconds"]!.GetValue<double>(), paths.Length, reply["cpu_seconds"]!.GetValue<double>());
            };
        }
        return Interleaved.Run(options.Rounds, Ours, theirs);
    }

    /// <summary>Embedded-data frames (render + PNG encode) per second at <paramref name="resolution"/>: one thread, all cores.</summary>
    public (double OneThread, double AllCores) Synthesis(int resolution)
    {
        int count = options.Quick ? 64 : 256;
        SyntheticSewer.RenderPng(11, SewerMlSplit.Train, 0, resolution); // warm-up (JIT, Skia)
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) SyntheticSewer.RenderPng(11, SewerMlSplit.Train, i, resolution);
        double one = count / clock.Elapsed.TotalSeconds;
        clock.Restart();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => SyntheticSewer.RenderPng(11, SewerMlSplit.Train, count + i, resolution));
        double all = count / clock.Elapsed.TotalSeconds;
        return (one, all);
    }

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }
}
