using System.Globalization;

namespace SslAnomaly.Bench;

/// <summary>What the numbers were measured on, and the process's memory (Linux /proc; blanks elsewhere).</summary>
public static class Machine
{
    /// <summary>1, 5 and 15-minute load averages (runnable processes; above the core count means contention).</summary>
    public static double[] LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return [double.NaN, double.NaN, double.NaN];
        }
    }

    public static double TotalMemoryGb()
    {
        var kb = StatusKb("/proc/meminfo", "MemTotal:");
        return kb / 1024.0 / 1024.0;
    }

    /// <summary>Resident set size now, in MB.</summary>
    public static double RssMb() => StatusKb("/proc/self/status", "VmRSS:") / 1024.0;

    /// <summary>Peak resident set size of this process so far, in MB.</summary>
    public static double PeakRssMb() => StatusKb("/proc/self/status", "VmHWM:") / 1024.0;

    static double StatusKb(string file, string key)
    {
        try
        {
            var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            if (line is null) return double.NaN;
            var digits = line[key.Length..].Trim().Split(' ')[0];
            return double.Parse(digits, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }
}
