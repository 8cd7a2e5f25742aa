using System.Text.Json.Nodes;

namespace SslAnomaly.Bench;

/// <summary>
/// One timed window: how many images (or items) one side processed, the wall-clock time it took and the CPU time its
/// process used meanwhile (all threads; NaN where unknown). On a machine shared with other work, CPU time moves less
/// with the load than wall-clock time does (though spinning OpenMP threads count in it too).
/// </summary>
public readonly record struct Window(double Seconds, long Images, double CpuSeconds = double.NaN)
{
    public double Rate => Images / Math.Max(Seconds, 1e-12);
    public double CpuRate => Images / Math.Max(CpuSeconds, 1e-12);

    /// <summary>Times <paramref name="work"/> on this process: wall clock and the process's CPU time.</summary>
    public static Window Measure(long images, Action work)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        work();
        clock.Stop();
        process.Refresh();
        return new Window(clock.Elapsed.TotalSeconds, images, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }
}

/// <summary>
/// Both sides' windows of one case and what follows from them. Rates are total images over total time per side; the
/// ratio is ours / theirs; the per-round ratios (each from two adjacent windows) show how much the machine's load moved.
/// </summary>
public sealed record Comparison(IReadOnlyList<Window> Ours, IReadOnlyList<Window> Theirs)
{
    public double OursRate => Ours.Sum(w => (double)w.Images) / Math.Max(Ours.Sum(w => w.Seconds), 1e-12);
    public double TheirRate => Theirs.Count == 0 ? double.NaN : Theirs.Sum(w => (double)w.Images) / Math.Max(Theirs.Sum(w => w.Seconds), 1e-12);
    /// <summary>Ratio of the two sides' total rates.</summary>
    public double TotalRatio => OursRate / TheirRate;
    /// <summary>The headline ratio: the median of the per-round ratios (robust to a load burst hitting one window).</summary>
    public double Ratio => Theirs.Count == 0 ? double.NaN : BenchReport.Median(RoundRatios);
    public IReadOnlyList<double> RoundRatios => Ours.Zip(Theirs, (o, t) => o.Rate / t.Rate).ToList();
    /// <summary>Ours / theirs in images per CPU-second (all threads of each process).</summary>
    public double CpuRatio => Rate(Ours, cpu: true) / Rate(Theirs, cpu: true);

    static double Rate(IReadOnlyList<Window> windows, bool cpu) =>
        windows.Sum(w => (double)w.Images) / Math.Max(windows.Sum(w => cpu ? w.CpuSeconds : w.Seconds), 1e-12);

    public JsonObject ToJson(string oursKey = "ours_images_per_second", string theirKey = "pytorch_images_per_second")
    {
        var json = new JsonObject
        {
            [oursKey] = BenchReport.Num(OursRate),
            [theirKey] = BenchReport.Num(TheirRate),
            ["ratio"] = BenchReport.Num(Ratio),
            ["ratio_of_totals"] = BenchReport.Num(TotalRatio),
            ["cpu_time_ratio"] = BenchReport.Num(CpuRatio),
        };
        if (Theirs.Count > 0)
        {
            json["round_ratios"] = new JsonArray(RoundRatios.Select(r => BenchReport.Num(r)).ToArray());
            json["round_ratio_min"] = BenchReport.Num(RoundRatios.Min());
            json["round_ratio_max"] = BenchReport.Num(RoundRatios.Max());
        }
        json["ours_windows_s"] = new JsonArray(Ours.Select(w => BenchReport.Num(w.Seconds)).ToArray());
        if (Theirs.Count > 0) json["pytorch_windows_s"] = new JsonArray(Theirs.Select(w => BenchReport.Num(w.Seconds)).ToArray());
        return json;
    }
}

/// <summary>
/// Interleaved measurement: one warm-up window per side, then rounds that time one window of each side, ours first in
/// even rounds and theirs first in odd ones, so a change in the machine's load hits both sides alike. Only one side runs
/// at a time (the other waits on a pipe), with a short pause between windows for the idle side's threads to settle.
/// </summary>
public static class Interleaved
{
    public static Comparison Run(int rounds, Func<Window> ours, Func<Window>? theirs, TimeSpan? pause = null)
    {
        var gap = pause ?? TimeSpan.FromMilliseconds(50);
        ours();
        Thread.Sleep(gap);
        if (theirs is not null)
        {
            theirs();
            Thread.Sleep(gap);
        }
        var o = new List<Window>();
        var t = new List<Window>();
        for (int r = 0; r < rounds; r++)
        {
            if (theirs is not null && r % 2 == 1)
            {
                t.Add(theirs());
                Thread.Sleep(gap);
            }
            o.Add(ours());
            Thread.Sleep(gap);
            if (theirs is not null && r % 2 == 0)
            {
                t.Add(theirs());
                Thread.Sleep(gap);
            }
        }
        return new Comparison(o, t);
    }
}
