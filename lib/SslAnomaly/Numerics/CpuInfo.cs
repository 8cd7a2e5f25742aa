using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SslAnomaly.Numerics;

/// <summary>The CPU as /proc/cpuinfo names it: kernels are chosen, and go wrong, by vendor, family, model and flags.</summary>
public sealed record CpuInfo(string Vendor, string ModelName, int Family, int Model, int Stepping, IReadOnlyList<string> Flags)
{
    /// <summary>The instruction-set flags that decide oneDNN's and MKL's kernels, where present.</summary>
    public static readonly IReadOnlyList<string> KernelFlags = ["avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512_vp2intersect", "amx_bf16", "amx_tile", "avx_vnni"];

    static CpuInfo? read;

    public static CpuInfo Read() => read ??= File.Exists("/proc/cpuinfo") ? Parse(File.ReadAllText("/proc/cpuinfo")) : Unknown();

    static CpuInfo Unknown() => new("unknown", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), -1, -1, -1, []);

    /// <summary>The first processor's block of /proc/cpuinfo.</summary>
    public static CpuInfo Parse(string cpuinfo)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in cpuinfo.Split('\n'))
        {
            if (line.Trim().Length == 0) { if (fields.Count > 0) break; continue; }
            int colon = line.IndexOf(':');
            if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        int Number(string key) => fields.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : -1;
        return new CpuInfo(fields.GetValueOrDefault("vendor_id", "unknown"), fields.GetValueOrDefault("model name", "unknown"),
            Number("cpu family"), Number("model"), Number("stepping"), fields.GetValueOrDefault("flags", "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The kernel-relevant flags this CPU has.</summary>
    public IReadOnlyList<string> KernelFlagsPresent => KernelFlags.Where(Flags.Contains).ToList();

    /// <summary>Whether the CPU multiplies bfloat16 in hardware (AVX512_BF16 or AMX); without it libtorch converts, and
    /// bfloat16 runs slower than float32.</summary>
    public bool NativeBFloat16 => Flags.Contains("avx512_bf16") || Flags.Contains("amx_bf16");

    /// <summary>Short and stable: a cache key, not for reading.</summary>
    public string FlagsHash => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(' ', Flags.Order(StringComparer.Ordinal)))))[..12].ToLowerInvariant();

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{ModelName}, {Vendor} family {Family} model {Model} stepping {Stepping}, {string.Join(' ', KernelFlagsPresent.DefaultIfEmpty("no AVX2"))}");
}
