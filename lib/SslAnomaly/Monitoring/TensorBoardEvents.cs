using System.Buffers.Binary;
using System.Text;

namespace SslAnomaly.Monitoring;

/// <summary>
/// Hand-encoded protobuf of the two TensorBoard event messages we write (tensorflow/core/util/event.proto,
/// summary.proto): <c>Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }</c>,
/// <c>Summary { repeated Value value = 1; }</c>, <c>Value { string tag = 1; float simple_value = 2; }</c>.
/// </summary>
public static class TensorBoardEvents
{
    public const string FileVersion = "brain.Event:2";

    // Field keys: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
    const byte WallTimeKey = 1 << 3 | 1, StepKey = 2 << 3 | 0, FileVersionKey = 3 << 3 | 2, SummaryKey = 5 << 3 | 2;
    const byte ValueKey = 1 << 3 | 2, TagKey = 1 << 3 | 2, SimpleValueKey = 2 << 3 | 5;

    /// <summary>The first record of every event file: identifies the format version.</summary>
    public static byte[] FileVersionEvent(double wallTime)
    {
        var e = new MemoryStream();
        WriteDouble(e, WallTimeKey, wallTime);
        WriteBytes(e, FileVersionKey, Encoding.UTF8.GetBytes(FileVersion));
        return e.ToArray();
    }

    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value)
    {
        var v = new MemoryStream();
        WriteBytes(v, TagKey, Encoding.UTF8.GetBytes(tag));
        v.WriteByte(SimpleValueKey);
        Span<byte> f = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(f, value);
        v.Write(f);

        var summary = new MemoryStream();
        WriteBytes(summary, ValueKey, v.ToArray());

        var e = new MemoryStream();
        WriteDouble(e, WallTimeKey, wallTime);
        e.WriteByte(StepKey);
        WriteVarint(e, (ulong)step);  // int64: negative values take ten bytes (two's complement), as protobuf does
        WriteBytes(e, SummaryKey, summary.ToArray());
        return e.ToArray();
    }

    static void WriteDouble(Stream s, byte key, double value)
    {
        s.WriteByte(key);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        s.Write(b);
    }

    static void WriteBytes(Stream s, byte key, byte[] payload)
    {
        s.WriteByte(key);
        WriteVarint(s, (ulong)payload.Length);
        s.Write(payload);
    }

    static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}
