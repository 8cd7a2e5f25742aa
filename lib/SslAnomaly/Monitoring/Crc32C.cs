using System.Numerics;

namespace SslAnomaly.Monitoring;

/// <summary>CRC-32C (Castagnoli), as TFRecord framing uses it, plus TensorFlow's masking of stored CRCs.</summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C is the raw register update (hardware where available); CRC-32C adds the
        // initial all-ones register and the final inversion.
        uint crc = 0xFFFFFFFF;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>TensorFlow stores masked CRCs so that CRCs of data containing CRCs stay well distributed.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
}
