using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SslAnomaly.Util;

namespace SslAnomaly.Eval;

/// <summary>
/// What cached features were computed from: the manifest listing the images (its SHA-256) and the model
/// (a key the caller builds from the checkpoint and the eval transform, e.g. "sha256:...|224px").
/// </summary>
public sealed record FeatureCacheKey(string ManifestSha256, string ModelKey);

/// <summary>
/// Frozen features cached in the run directory so that the probe grid never recomputes them:
/// <c>features-&lt;manifest hash&gt;.bin</c> = "SSLFEAT1", int32 header length, a UTF-8 JSON header (key, rows,
/// dim, filenames, labels), then rows x dim float32, little-endian. Written atomically (temp file + rename);
/// reused only when the header matches the key and the file is complete, otherwise recomputed.
/// </summary>
public static class FeatureCache
{
    static readonly byte[] Magic = "SSLFEAT1"u8.ToArray();
    static readonly JsonSerializerOptions CompactJson = new(EvalJson.Options) { WriteIndented = false };

    sealed record Header(string ManifestSha256, string ModelKey, int Rows, int Dim, string[] Filenames, int[] Defect, int[]? CodeMasks);

    public static string PathFor(string runDirectory, FeatureCacheKey key)
    {
        if (key.ManifestSha256.Length < 16 || !key.ManifestSha256.All(char.IsAsciiHexDigit))
            throw new ArgumentException($"'{key.ManifestSha256}' is not a manifest SHA-256.", nameof(key));
        return Path.Combine(runDirectory, $"features-{key.ManifestSha256[..16].ToLowerInvariant()}.bin");
    }

    /// <summary>Cached features for <paramref name="key"/>, or <paramref name="compute"/>'s result, cached for next time.</summary>
    public static FeatureSet GetOrCompute(string runDirectory, FeatureCacheKey key, Func<FeatureSet> compute)
    {
        var path = PathFor(runDirectory, key);
        if (TryRead(path, key) is { } cached) return cached;
        var features = compute();
        Write(path, key, features);
        return features;
    }

    public static void Write(string path, FeatureCacheKey key, FeatureSet features)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The feature cache is written little-endian.");
        var header = new Header(key.ManifestSha256, key.ModelKey, features.Rows, features.Dim, features.Filenames.ToArray(),
            features.Truth.Defect.Select(d => d ? 1 : 0).ToArray(), features.Truth.CodeMasks);
        var json = JsonSerializer.SerializeToUtf8Bytes(header, CompactJson);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteFramed(path, Magic, json, lengthBytes: 4, stream => stream.Write(MemoryMarshal.AsBytes(features.Values.AsSpan())));
    }

    /// <summary>The cached features, or null when the file is absent, for another key, or incomplete.</summary>
    public static FeatureSet? TryRead(string path, FeatureCacheKey key)
    {
        if (!File.Exists(path)) return null;
        using var stream = File.OpenRead(path);
        var prefix = new byte[12];
        if (stream.Read(prefix) != prefix.Length || !prefix.AsSpan(0, 8).SequenceEqual(Magic)) return null;
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix.AsSpan(8));
        if (headerLength <= 0 || headerLength > stream.Length - 12) return null;
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        Header? header;
        try { header = JsonSerializer.Deserialize<Header>(json, CompactJson); }
        catch (JsonException) { return null; }
        if (header is null || header.ManifestSha256 != key.ManifestSha256 || header.ModelKey != key.ModelKey) return null;
        if (stream.Length != 12L + headerLength + 4L * header.Rows * header.Dim) return null;

        var values = new float[header.Rows * header.Dim];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return new FeatureSet(values, header.Dim, header.Filenames, new GroundTruth(header.Defect.Select(d => d != 0).ToArray(), header.CodeMasks));
    }
}
