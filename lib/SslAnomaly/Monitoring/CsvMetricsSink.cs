using System.Globalization;
using System.Text;
using SslAnomaly.Training;
using SslAnomaly.Util;

namespace SslAnomaly.Monitoring;

/// <summary>
/// Scalars in long format, <c>step,name,value</c>, one row per value (metrics.csv in the run directory).
/// Safe for resumed runs: an existing file is appended to; a torn last line (crash mid-write) is cut off;
/// with <c>resumeAfterStep</c>, rows of later steps (logged after the checkpoint being resumed) are dropped
/// so each step appears once. Every row is flushed as it is written.
/// </summary>
public sealed class CsvMetricsSink : IMetricsSink, IDisposable
{
    public const string Header = "step,name,value";
    readonly StreamWriter _writer;

    public CsvMetricsSink(string path, long? resumeAfterStep = null)
    {
        Path = path;
        if (File.Exists(path)) Repair(path, resumeAfterStep);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        if (stream.Length == 0) _writer.WriteLine(Header);
    }

    public string Path { get; }

    public void Log(long step, string name, double value)
    {
        if (name.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            throw new ArgumentException($"Metric name '{name}' may not contain commas, quotes or line breaks.", nameof(name));
        _writer.WriteLine($"{step.ToString(CultureInfo.InvariantCulture)},{name},{value.ToString("R", CultureInfo.InvariantCulture)}");
    }

    public void Flush() => _writer.Flush();

    public void Dispose() => _writer.Dispose();

    /// <summary>Reads a metrics.csv back: (step, name, value) rows in file order.</summary>
    public static IEnumerable<(long Step, string Name, double Value)> Read(string path)
    {
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split(',');
            if (parts.Length != 3) throw new FormatException($"{path}: malformed row '{line}'.");
            yield return (long.Parse(parts[0], CultureInfo.InvariantCulture), parts[1], double.Parse(parts[2], CultureInfo.InvariantCulture));
        }
    }

    static void Repair(string path, long? resumeAfterStep)
    {
        var text = File.ReadAllText(path);
        if (text.Length == 0) return;
        if (!text.StartsWith(Header + "\n", StringComparison.Ordinal) && text != Header)
            throw new InvalidDataException($"{path} is not a metrics file (expected the header '{Header}').");
        // Keep complete lines only: a line without its newline was cut by a crash.
        var lines = text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (resumeAfterStep is long last)
            lines = lines.Take(1).Concat(lines.Skip(1).Where(l => long.Parse(l[..l.IndexOf(',')], CultureInfo.InvariantCulture) <= last)).ToList();
        var repaired = string.Concat(lines.Select(l => l + "\n"));
        if (repaired == text) return;
        AtomicFile.WriteAllText(path, repaired);
    }
}
