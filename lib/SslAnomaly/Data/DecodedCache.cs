using System.IO.MemoryMappedFiles;
using System.Text;
using SslAnomaly.Util;

namespace SslAnomaly.Data;

/// <summary>
/// Decoded images at a fixed size in one memory-mapped file (8-bit RGB, HWC per image), so epochs after the
/// first copy bytes instead of decoding PNGs. One file per (image list, size): the key is a hash of the
/// full image paths (see <see cref="KeyFor"/>), i.e. of the manifest and the data root.
///
/// Layout: a 64-byte header, one state byte per image (empty / decoded / unreadable), then the pixels at
/// a 4 KiB boundary. A state byte is written after its pixels, so a reader never sees a half-written image;
/// two processes filling one cache write identical bytes. The file is sparse until filled.
/// </summary>
public sealed unsafe class DecodedCache : IDisposable
{
    public enum Slot : byte { Empty = 0, Decoded = 1, Unreadable = 2 }

    const int HeaderBytes = 64;
    static readonly byte[] Magic = "SSLDC001"u8.ToArray();

    readonly MemoryMappedFile file;
    readonly MemoryMappedViewAccessor view;
    readonly byte* basePtr;
    readonly long dataOffset;

    DecodedCache(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, int count, int width, int height)
    {
        Path = path;
        this.file = file;
        this.view = view;
        Count = count;
        Width = width;
        Height = height;
        ImageBytes = ImageDecoder.ByteCount(width, height);
        dataOffset = DataOffset(count);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        basePtr = p + view.PointerOffset;
    }

    public string Path { get; }
    public int Count { get; }
    public int Width { get; }
    public int Height { get; }
    public int ImageBytes { get; }

    static long DataOffset(int count) => (HeaderBytes + count + 4095L) / 4096 * 4096;

    /// <summary>A key for an image list: SHA-256 of the full paths, in order.</summary>
    public static string KeyFor(IEnumerable<string> imagePaths)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var p in imagePaths)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(p)));
            hash.AppendData([0]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Opens (or creates) the cache for this key and size in <paramref name="directory"/>.</summary>
    public static DecodedCache Open(string directory, string key, int count, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!FileHash.IsSha256Hex(key)) throw new ArgumentException("key must be a SHA-256 hex string (see KeyFor)", nameof(key));
        try { Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"decoded-image cache folder {directory}: {e.Message}", e);
        }
        var path = System.IO.Path.Combine(directory, $"{key[..32]}-{width}x{height}.u8cache");
        long length = DataOffset(count) + (long)count * ImageDecoder.ByteCount(width, height);
        var header = Header(key, count, width, height);
        if (!File.Exists(path) || !HeaderMatches(path, header, length)) Create(path, header, length);
        var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        var view = mapped.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        return new DecodedCache(path, mapped, view, count, width, height);
    }

    static byte[] Header(string key, int count, int width, int height)
    {
        var h = new byte[HeaderBytes];
        Magic.CopyTo(h, 0);
        BitConverter.TryWriteBytes(h.AsSpan(8), count);
        BitConverter.TryWriteBytes(h.AsSpan(12), width);
        BitConverter.TryWriteBytes(h.AsSpan(16), height);
        Convert.FromHexString(key).CopyTo(h, 32);
        return h;
    }

    static bool HeaderMatches(string path, byte[] header, long length)
    {
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var existing = new byte[HeaderBytes];
            return s.Length == length && s.Read(existing) == HeaderBytes && existing.AsSpan().SequenceEqual(header);
        }
        catch (IOException) { return false; }
    }

    /// <summary>Writes header + sparse body to a temp file and renames it into place (safe under races).</summary>
    static void Create(string path, byte[] header, long length) => AtomicFile.Produce(path, temp =>
    {
        using var s = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
        s.SetLength(length);
        s.Write(header);
    });

    public Slot State(int index)
    {
        CheckIndex(index);
        return (Slot)Volatile.Read(ref basePtr[HeaderBytes + index]);
    }

    /// <summary>Copies a decoded image out; false when it is not cached (yet).</summary>
    public bool TryRead(int index, Span<byte> destination)
    {
        if (State(index) != Slot.Decoded) return false;
        new ReadOnlySpan<byte>(basePtr + dataOffset + (long)index * ImageBytes, ImageBytes).CopyTo(destination);
        return true;
    }

    public void Write(int index, ReadOnlySpan<byte> pixels)
    {
        CheckIndex(index);
        if (pixels.Length != ImageBytes) throw new ArgumentException($"expected {ImageBytes} bytes", nameof(pixels));
        pixels.CopyTo(new Span<byte>(basePtr + dataOffset + (long)index * ImageBytes, ImageBytes));
        Volatile.Write(ref basePtr[HeaderBytes + index], (byte)Slot.Decoded);
    }

    /// <summary>Remembers that an image cannot be decoded, so later epochs skip it without reading it.</summary>
    public void MarkUnreadable(int index)
    {
        CheckIndex(index);
        Volatile.Write(ref basePtr[HeaderBytes + index], (byte)Slot.Unreadable);
    }

    public int CountIn(Slot slot)
    {
        int n = 0;
        for (int i = 0; i < Count; i++) if (basePtr[HeaderBytes + i] == (byte)slot) n++;
        return n;
    }

    void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside 0..{Count - 1}");
    }

    public void Dispose()
    {
        view.Flush();
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
    }
}
