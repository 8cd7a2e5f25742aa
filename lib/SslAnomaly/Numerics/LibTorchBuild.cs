using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using SslAnomaly.Native;

namespace SslAnomaly.Numerics;

/// <summary>
/// What libtorch says of its own build: the oneDNN version inside it and the CPU capability ATen dispatches to. TorchSharp
/// exposes neither, so this calls <c>at::show_config()</c> (exported by libtorch_cpu.so) directly.
/// </summary>
public sealed record LibTorchBuild(string OneDnnVersion, string CpuCapability, string MklVersion)
{
    static LibTorchBuild? read;

    /// <summary>The running libtorch's build facts; "unknown" for any line its configuration text does not hold.</summary>
    public static LibTorchBuild Read()
    {
        if (read is not null) return read;
        TorchRuntime.EnsureLoaded();
        string config = OperatingSystem.IsLinux() ? ShowConfig() : "";
        read = Parse(config);
        return read;
    }

    public static LibTorchBuild Parse(string showConfig)
    {
        string Find(string pattern) => Regex.Match(showConfig, pattern, RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value.Trim() : "unknown";
        return new LibTorchBuild(
            Find(@"(?:MKL-DNN|oneDNN)\s+v([0-9][0-9.]*)"),
            Find(@"CPU capability usage:\s*(\S+)"),
            Find(@"Math Kernel Library Version\s+([0-9][0-9.]*)"));
    }

    // std::string at::show_config(): returned through a hidden pointer to caller-owned storage (the Itanium C++ ABI's
    // sret). libstdc++'s std::string is { char* data; size_t length; char local[16] }: 32 bytes.
    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at11show_configB5cxx11Ev")]
    static extern void ShowConfigInto(IntPtr result);

    static string ShowConfig()
    {
        IntPtr storage = Marshal.AllocHGlobal(32);
        try
        {
            ShowConfigInto(storage);
            IntPtr data = Marshal.ReadIntPtr(storage);
            long length = Marshal.ReadInt64(storage, 8);
            // The string's heap buffer (when it outgrew the local one) is leaked on purpose: it is read once per process.
            return length is > 0 and < 1 << 20 ? Marshal.PtrToStringUTF8(data, (int)length) : "";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "";
        }
        finally
        {
            Marshal.FreeHGlobal(storage);
        }
    }
}
