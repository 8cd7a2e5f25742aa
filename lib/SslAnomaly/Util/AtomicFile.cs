using System.Text;

namespace SslAnomaly.Util;

/// <summary>
/// Writes files so that readers see either the old content or the complete new one, never a torn file:
/// write a temp file in the same folder, flush it to disk, then rename over the target. The folder must
/// exist (callers create run and report folders on purpose); failures name the file.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var buffer = bytes.ToArray();
        Write(path, stream => stream.Write(buffer));
    }

    /// <summary>Streams content into a temp file, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write) => Produce(path, temp =>
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        write(stream);
        stream.Flush(flushToDisk: true);
    });

    /// <summary>
    /// The layout of the workbook's binary files (feature caches, checkpoints), written atomically: the magic, the header's
    /// length as a little-endian integer of <paramref name="lengthBytes"/> bytes (4 or 8), the header, then the payload.
    /// </summary>
    public static void WriteFramed(string path, byte[] magic, byte[] header, int lengthBytes, Action<Stream> payload) => Write(path, stream =>
    {
        stream.Write(magic);
        Span<byte> length = stackalloc byte[lengthBytes];
        if (lengthBytes == 4) System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, header.Length);
        else System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, header.Length);
        stream.Write(length);
        stream.Write(header);
        payload(stream);
    });

    /// <summary>
    /// Lets <paramref name="produce"/> create the file at a temp path in the target's folder (also for tools that
    /// write files themselves), then renames it over <paramref name="path"/>; the temp file never outlives the call.
    /// <paramref name="tempExtension"/> serves tools that pick the format from the extension.
    /// </summary>
    public static void Produce(string path, Action<string> produce, string tempExtension = ".tmp")
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new UserInputException($"cannot write {path}: folder {folder} does not exist");
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}{tempExtension}");
        try
        {
            produce(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UserInputException($"cannot write {path}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
