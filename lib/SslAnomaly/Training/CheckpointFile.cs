using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SslAnomaly.Util;
using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>
/// A self-describing file of named tensors plus JSON metadata, written atomically (temp file in the same folder, flushed,
/// then renamed over the target). Layout: 8-byte magic "SSLCKPT1", little-endian int64 header length, a UTF-8 JSON header
/// {"metadata": {...}, "tensors": [{"name", "dtype", "shape", "offset", "bytes"}]}, then the raw little-endian bytes of
/// every tensor (C order), offsets counted from the end of the header. Readable from Python with a dozen lines of numpy.
/// The header's "data_sha256" covers every tensor byte, so a file damaged after it was written (a bad disk, a partial
/// copy, a flipped bit) is detected by <see cref="Verify"/> and <see cref="Read"/>; files written before it existed only
/// get the length check.
/// </summary>
public static class CheckpointFile
{
    static readonly byte[] Magic = "SSLCKPT1"u8.ToArray();
    const string ChecksumKey = "data_sha256";

    static readonly Dictionary<ScalarType, string> DtypeNames = new()
    {
        [ScalarType.Float32] = "float32", [ScalarType.Float64] = "float64", [ScalarType.Float16] = "float16",
        [ScalarType.BFloat16] = "bfloat16", [ScalarType.Int64] = "int64", [ScalarType.Int32] = "int32",
        [ScalarType.Int16] = "int16", [ScalarType.Int8] = "int8", [ScalarType.Byte] = "uint8", [ScalarType.Bool] = "bool",
    };

    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, JsonObject metadata)
    {
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var index = new JsonArray();
        long offset = 0;
        var blobs = new List<Tensor>();
        using var scope = NewDisposeScope();
        foreach (var (name, t) in list)
        {
            if (!names.Add(name)) throw new ArgumentException($"tensor name '{name}' appears twice in the checkpoint");
            if (!DtypeNames.TryGetValue(t.dtype, out var dtype)) throw new NotSupportedException($"{name}: dtype {t.dtype} cannot be checkpointed");
            var cpu = t.detach().cpu().contiguous();
            long bytes = cpu.numel() * cpu.ElementSize;
            index.Add(new JsonObject
            {
                ["name"] = name, ["dtype"] = dtype, ["shape"] = new JsonArray(t.shape.Select(s => (JsonNode)s).ToArray()),
                ["offset"] = offset, ["bytes"] = bytes,
            });
            blobs.Add(cpu);
            offset += bytes;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var blob in blobs) hash.AppendData(blob.bytes);
        var header = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["metadata"] = metadata.DeepClone(), ["tensors"] = index, [ChecksumKey] = Convert.ToHexStringLower(hash.GetHashAndReset()),
        }.ToJsonString());

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteFramed(path, Magic, header, lengthBytes: 8, stream =>
        {
            foreach (var blob in blobs) stream.Write(blob.bytes);
        });
    }

    /// <summary>The metadata only (cheap: the tensors are not read, but the file must be long enough to hold them).</summary>
    public static JsonObject ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        var (metadata, index, dataStart) = ReadHeader(stream, path);
        long end = index.Select(e => e!["offset"]!.GetValue<long>() + e["bytes"]!.GetValue<long>()).DefaultIfEmpty(0).Max();
        if (dataStart + end != stream.Length) throw new InvalidDataException($"{path} is truncated or has trailing bytes");
        return metadata;
    }

    /// <summary>
    /// Reads the whole file and checks its length and checksum; throws <see cref="InvalidDataException"/> naming the file
    /// and what is wrong. Returns the metadata.
    /// </summary>
    public static JsonObject Verify(string path)
    {
        var metadata = ReadMetadata(path);
        using var stream = File.OpenRead(path);
        var (_, _, dataStart, checksum) = ReadHeaderWithChecksum(stream, path);
        if (checksum is null) return metadata;
        stream.Position = dataStart;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, n);
        CheckSum(path, checksum, hash);
        return metadata;
    }

    static void CheckSum(string path, string expected, IncrementalHash hash)
    {
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != expected)
            throw new InvalidDataException($"{path} is corrupted: its tensor data has SHA-256 {actual[..12]}..., the header recorded {expected[..Math.Min(12, expected.Length)]}...");
    }

    /// <summary>Metadata and every tensor (CPU, caller disposes).</summary>
    public static (JsonObject Metadata, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        using var stream = File.OpenRead(path);
        var (metadata, index, dataStart, checksum) = ReadHeaderWithChecksum(stream, path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            foreach (var entry in index)
            {
                string name = entry!["name"]!.GetValue<string>();
                string dtypeName = entry["dtype"]!.GetValue<string>();
                var dtype = DtypeNames.Single(kv => kv.Value == dtypeName).Key;
                long[] shape = entry["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                long offset = entry["offset"]!.GetValue<long>(), bytes = entry["bytes"]!.GetValue<long>();
                var t = empty(shape, dtype: dtype).DetachFromDisposeScope();
                tensors[name] = t;
                if (t.numel() * t.ElementSize != bytes) throw new InvalidDataException($"{path}: tensor {name} has {bytes} bytes for shape [{string.Join(",", shape)}] {dtypeName}");
                if (dataStart + offset + bytes > stream.Length) throw new InvalidDataException($"{path} is truncated (tensor {name})");
                stream.Position = dataStart + offset;
                var buffer = new byte[bytes];
                stream.ReadExactly(buffer);
                hash.AppendData(buffer); // tensors are written back to back in index order
                t.bytes = buffer;
            }
            if (checksum is not null) CheckSum(path, checksum, hash);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return (metadata, tensors);
    }

    static (JsonObject metadata, JsonArray index, long dataStart) ReadHeader(Stream stream, string path)
    {
        var (metadata, index, dataStart, _) = ReadHeaderWithChecksum(stream, path);
        return (metadata, index, dataStart);
    }

    static (JsonObject metadata, JsonArray index, long dataStart, string? checksum) ReadHeaderWithChecksum(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[16];
        if (stream.Read(prefix) != 16 || !prefix[..8].SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not an ssl-anomaly checkpoint (bad magic)");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(prefix[8..]);
        if (headerLength <= 0 || 16 + headerLength > stream.Length) throw new InvalidDataException($"{path}: header length {headerLength} is invalid");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(header)!.AsObject();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"{path}: the header is not valid JSON ({e.Message})", e);
        }
        if (json["metadata"] is not JsonObject metadata || json["tensors"] is not JsonArray index)
            throw new InvalidDataException($"{path}: the header lacks metadata or the tensor index");
        return (metadata, index, 16 + headerLength, json[ChecksumKey]?.GetValue<string>());
    }
}
