using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner.Outputs;

/// <summary>One code cell whose committed outputs differ from those the current code produces.</summary>
public sealed record CellDifference(int Cell, string? Id, string Committed, string Produced)
{
    /// <summary>"cell 4 (id): line 3 at column 120: committed '…0.659218…', now '…0.659219…'": where the outputs first part.</summary>
    public string Describe()
    {
        var a = Committed.Split('\n');
        var b = Produced.Split('\n');
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        string x = i < a.Length ? a[i] : "", y = i < b.Length ? b[i] : "";
        int column = 0;
        while (column < x.Length && column < y.Length && x[column] == y[column]) column++;
        string Around(string line, bool exists) => !exists ? "(nothing)" : Window(line, column);
        return $"cell {Cell}{(Id is null ? "" : $" ({Id})")}: line {i + 1}, column {column + 1}: committed '{Around(x, i < a.Length)}', now '{Around(y, i < b.Length)}'";
    }

    /// <summary>About 40 characters before and 60 after the first difference, so a long HTML line shows the part that changed.</summary>
    static string Window(string line, int column)
    {
        int start = Math.Max(0, column - 40), end = Math.Min(line.Length, column + 60);
        return (start > 0 ? "..." : "") + line[start..end] + (end < line.Length ? "..." : "");
    }
}

/// <summary>
/// Committed notebook outputs against freshly produced ones, cell by cell, after removing what changes from run to run
/// without the code or the study changing: element ids, execution counts, timings and rates, the checkout's own path,
/// the PNG bytes (the figure's JSON beside each PNG is compared instead, so a changed figure is still caught), the
/// inlined plotly.js, and outputs marked as describing the machine that ran the notebook (its CPU, threads, library
/// paths: notebook 00's environment check), of which only the presence is compared. Everything else (numbers, tables,
/// text, figure data) must be equal.
/// </summary>
public static partial class OutputComparison
{
    /// <summary>The differing code cells; empty when the outputs agree.</summary>
    /// <param name="repositoryRoot">Replaced by a placeholder, so a checkout elsewhere compares equal.</param>
    public static IReadOnlyList<CellDifference> Compare(JsonObject committed, JsonObject produced, string? repositoryRoot = null)
    {
        var a = NotebookOutputs.Cells(committed, "committed notebook");
        var b = NotebookOutputs.Cells(produced, "produced notebook");
        var differences = new List<CellDifference>();
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var x = i < a.Count ? a[i] : null;
            var y = i < b.Count ? b[i] : null;
            if ((x ?? y)!["cell_type"]?.GetValue<string>() != "code" && x?["cell_type"]?.GetValue<string>() == y?["cell_type"]?.GetValue<string>()) continue;
            string left = x is null ? "(no such cell)" : Normalized(x, repositoryRoot);
            string right = y is null ? "(no such cell)" : Normalized(y, repositoryRoot);
            if (left != right) differences.Add(new CellDifference(i + 1, (x ?? y)!["id"]?.GetValue<string>(), left, right));
        }
        return differences;
    }

    /// <summary>A code cell's outputs as comparable text: one block per output, its mime types in order, volatile parts replaced.</summary>
    public static string Normalized(JsonObject cell, string? repositoryRoot = null)
    {
        var s = new StringBuilder();
        if (cell["cell_type"]?.GetValue<string>() != "code") return $"({cell["cell_type"]?.GetValue<string>()} cell)";
        var outputs = (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (outputs.Count == 0) s.Append("(no outputs)\n");
        foreach (var output in outputs)
        {
            string type = output["output_type"]?.GetValue<string>() ?? "?";
            s.Append("== ").Append(type == "execute_result" ? "display_data" : type); // the kernel reports a cell's value either way
            if (NotebookOutputs.IsPngCopy(output)) s.Append(" (PNG copy)");
            s.Append('\n');
            if (DescribesMachine(output))
            {
                s.Append("(describes the machine that ran the notebook: not compared)\n");
                continue;
            }
            switch (type)
            {
                case "stream":
                    s.Append(output["name"]?.GetValue<string>()).Append(": ").Append(Volatile(Multiline(output["text"]), repositoryRoot)).Append('\n');
                    break;
                case "error":
                    s.Append(output["ename"]?.GetValue<string>()).Append(": ").Append(Volatile(FirstLine(output["evalue"]?.GetValue<string>() ?? ""), repositoryRoot)).Append('\n');
                    break;
                default:
                    foreach (var (mime, value) in (output["data"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        string text = mime == "image/png" ? "(PNG bytes not compared)" : Multiline(value);
                        // Only the first figure a kernel shows carries plotly.js, so whether an output has it is volatile.
                        if (mime == "text/html") text = PlotlyScript().Replace(text, "");
                        s.Append(mime).Append(":\n").Append(Volatile(text, repositoryRoot)).Append('\n');
                    }
                    break;
            }
        }
        return s.ToString();
    }

    /// <summary>
    /// Ids, timings, rates and dates replaced by placeholders; the checkout's path by &lt;repo&gt;, the user's workbook cache by
    /// &lt;cache&gt;; a notebook's own run "completed in ..." or "reused" alike; how many kernel checks ran now rather than came
    /// from the cache.
    /// </summary>
    public static string Volatile(string text, string? repositoryRoot = null)
    {
        if (repositoryRoot is { Length: > 1 }) text = text.Replace(Path.TrimEndingDirectorySeparator(repositoryRoot), "<repo>", StringComparison.Ordinal);
        text = Cache().Replace(text, "<cache>");
        text = Guid().Replace(text, "<id>");
        text = Hex32().Replace(text, "<id>");
        text = IsoTime().Replace(text, "<time>");
        text = Rate().Replace(text, "<rate>");
        text = Duration().Replace(text, "<duration>");
        // Whether a notebook's own run trained now or was reused from an earlier call depends on the runs folder, not on the code.
        text = RunProgress().Replace(text, "${run}: <ran or reused>");
        // How many kernel verdicts notebook 00 computed now rather than read from the per-user cache.
        text = CheckedNow().Replace(text, "<n> checked now");
        text = Temp().Replace(text, "<temp>");
        return text.Replace("\r\n", "\n");
    }

    /// <summary>The attribute the workbook puts on an output that describes the machine (SslAnomaly.Notebooks' SetupReport).</summary>
    public const string MachineMarker = "data-ssl-anomaly-machine";

    static bool DescribesMachine(JsonObject output) =>
        output["data"] is JsonObject data && data.Any(p => p.Key == "text/html" && Multiline(p.Value).Contains(MachineMarker, StringComparison.Ordinal));

    static string Multiline(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        _ => node.GetValue<string>(),
    };

    static string FirstLine(string text) => text.Split('\n')[0].TrimEnd();

    [GeneratedRegex(@"<script[^>]*data-ssl-anomaly-plotly-js[^>]*>.*?</script>\n?", RegexOptions.Singleline)]
    private static partial Regex PlotlyScript();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    // Element ids (ssl-plot-<32 hex>); commits and SHA-256 are 40 and 64 digits and stay.
    [GeneratedRegex(@"(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])")]
    private static partial Regex Hex32();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"\d+(\.\d+)?\s?(img|images|steps|views)/s\b")]
    private static partial Regex Rate();

    [GeneratedRegex(@"(?<![\w.])\d+(\.\d+)?\s?(ms|s|sec|seconds|min|minutes)\b")]
    private static partial Regex Duration();

    // The workbook's per-user cache (rendered datasets, kernel verdicts) lives under each user's home.
    [GeneratedRegex(@"[^\s""'<>(]*/\.cache/ssl-anomaly")]
    private static partial Regex Cache();

    [GeneratedRegex(@"^(?<run>\S+): (completed in <duration>[^\n]*|reused \(finished earlier\))$", RegexOptions.Multiline)]
    private static partial Regex RunProgress();

    [GeneratedRegex(@"\b\d+ checked now\b")]
    private static partial Regex CheckedNow();

    [GeneratedRegex(@"/tmp/[^\s""'<>)]+")]
    private static partial Regex Temp();
}
