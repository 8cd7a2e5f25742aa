using System.Buffers.Binary;

namespace SslAnomaly.Monitoring;

/// <summary>
/// TFRecord framing, the container of TensorBoard event files: per record,
/// uint64 length, uint32 masked CRC-32C of the length bytes, the data, uint32 masked CRC-32C of the data
/// (all little-endian).
/// </summary>
public static class TfRecord
{
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Mask(Crc32C.Compute(header[..8])));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Mask(Crc32C.Compute(data)));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>Reads every record, checking both CRCs; a truncated final record (crash mid-write) ends the stream.</summary>
    public static IEnumerable<byte[]> ReadAll(Stream stream)
    {
        var header = new byte[12];
        while (ReadFully(stream, header))
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)) != Crc32C.Mask(Crc32C.Compute(header.AsSpan(0, 8))))
                throw new InvalidDataException("TFRecord length CRC mismatch.");
            var data = new byte[checked((int)length)];
            var footer = new byte[4];
            if (!ReadFully(stream, data) || !ReadFully(stream, footer)) yield break;
            if (BinaryPrimitives.ReadUInt32LittleEndian(footer) != Crc32C.Mask(Crc32C.Compute(data)))
                throw new InvalidDataException("TFRecord data CRC mismatch.");
            yield return data;
        }
    }

    static bool ReadFully(Stream stream, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
