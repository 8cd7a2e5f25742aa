using System.Diagnostics;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>fp32 GEMM throughput at one thread count, through libtorch (ours) and through the PyTorch script's torch.mm.</summary>
public sealed record PeakResult(int Threads, int Size, double Gflops, double? PyTorchGflops)
{
    /// <summary>
    /// The machine's practical peak: the faster of the two GEMMs (OpenBLAS in Debian's torch beat libtorch's MKL on this
    /// AMD CPU, 213 against 187 GFLOP/s), so no step's share is taken over a peak that another library exceeds.
    /// </summary>
    public double Best => Math.Max(Gflops, PyTorchGflops ?? 0);
}

/// <summary>
/// The machine's practical fp32 peak: the best of a few products of two large square matrices through libtorch's
/// torch.mm, at each thread count the bench uses (one: decode, synthesis, a sweep's one-thread runs; and the train
/// step's). A large GEMM is the most compute-bound kernel the library has, so a train step's GFLOP/s over it is the
/// share of the machine the step reaches; the rest goes to memory-bound ops, dispatch and idle threads.
/// </summary>
public static class PeakBench
{
    public const int Size = 2048;
    const int Repeats = 4;

    public static PeakResult Run(int threads, PythonReference? python)
    {
        int previous = get_num_threads();
        set_num_threads(threads);
        try
        {
            using var scope = NewDisposeScope();
            var a = randn(Size, Size);
            var b = randn(Size, Size);
            a.mm(b).Dispose(); // warm-up: thread pool and BLAS buffers
            double best = double.PositiveInfinity;
            for (int i = 0; i < Repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                a.mm(b).Dispose();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            double? theirs = python?.Call(new JsonObject { ["op"] = "gemm", ["n"] = Size, ["threads"] = threads, ["reps"] = Repeats })["gflops"]!.GetValue<double>();
            return new PeakResult(threads, Size, 2.0 * Size * Size * Size / best / 1e9, theirs);
        }
        finally
        {
            set_num_threads(previous);
        }
    }
}
