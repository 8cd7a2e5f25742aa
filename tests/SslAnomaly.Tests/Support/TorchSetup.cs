using System.Runtime.CompilerServices;
using SslAnomaly.Native;

namespace SslAnomaly.Tests.Support;

static class TorchSetup
{
    /// <summary>Every test may touch TorchSharp: bring libtorch up (with the compat fix) before any of them runs.</summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        TorchRuntime.EnsureLoaded();
        // Tests are small; two intra-op threads match CI's 2 cores and keep results reproducible.
        TorchSharp.torch.set_num_threads(Math.Min(2, Environment.ProcessorCount));
    }
}
