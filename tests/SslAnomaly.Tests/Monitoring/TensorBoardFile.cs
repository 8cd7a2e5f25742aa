using System.Buffers.Binary;
using System.Text;
using SslAnomaly.Monitoring;

namespace SslAnomaly.Tests.Monitoring;

/// <summary>An independent protobuf decoder for the events we write: enough to read an event file back.</summary>
public static class TensorBoardFile
{
    public sealed record Event(double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Scalars);

    public static List<Event> Read(string path)
    {
        using var stream = File.OpenRead(path);
        return TfRecord.ReadAll(stream).Select(DecodeEvent).ToList();
    }

    public static Event DecodeEvent(byte[] data)
    {
        double wall = 0; long step = 0; string? version = null;
        var scalars = new List<(string, float)>();
        foreach (var (field, wire, value, bytes) in Fields(data))
        {
            switch (field, wire)
            {
                case (1, 1): wall = BitConverter.Int64BitsToDouble((long)value); break;
                case (2, 0): step = (long)value; break;
                case (3, 2): version = Encoding.UTF8.GetString(bytes!); break;
                case (5, 2):
                    foreach (var (f, w, _, v) in Fields(bytes!))
                        if ((f, w) == (1, 2)) scalars.Add(DecodeValue(v!));
                    break;
                default: throw new InvalidDataException($"unexpected Event field {field} (wire type {wire})");
            }
        }
        return new Event(wall, step, version, scalars);
    }

    static (string, float) DecodeValue(byte[] data)
    {
        string tag = ""; float value = float.NaN;
        foreach (var (field, wire, raw, bytes) in Fields(data))
        {
            if ((field, wire) == (1, 2)) tag = Encoding.UTF8.GetString(bytes!);
            else if ((field, wire) == (2, 5)) value = BitConverter.Int32BitsToSingle((int)raw);
            else throw new InvalidDataException($"unexpected Value field {field}");
        }
        return (tag, value);
    }

    static IEnumerable<(int Field, int Wire, ulong Value, byte[]? Bytes)> Fields(byte[] data)
    {
        int i = 0;
        while (i < data.Length)
        {
            ulong key = Varint(data, ref i);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(data, ref i), null); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(i)), null); i += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(i)), null); i += 4; break;
                case 2:
                    int length = (int)Varint(data, ref i);
                    yield return (field, wire, 0, data[i..(i + length)]);
                    i += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    static ulong Varint(byte[] data, ref int i)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[i++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
    }
}
