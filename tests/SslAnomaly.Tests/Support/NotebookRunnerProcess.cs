using SslAnomaly.Util;
using System.Diagnostics;
using System.Text.Json;

namespace SslAnomaly.Tests.Support;

/// <summary>Runs the real NotebookRunner (built next to the tests) as a child process and reads what it wrote.</summary>
public static class NotebookRunnerProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, JsonElement? Notebook, TimeSpan Elapsed)
    {
        public string All => Stdout + Stderr;
        public JsonElement Cells => Notebook!.Value.GetProperty("cells");
    }

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "NotebookRunner.dll");

    public static Result Run(string notebook, string outIpynb, string? outHtml = null, IDictionary<string, string>? environment = null, int timeoutSeconds = 300)
    {
        string[] html = outHtml is null ? [] : ["--html", outHtml];
        var info = ChildProcess.Info("dotnet", [DllPath, notebook, "--out", outIpynb, .. html], environment);
        var clock = Stopwatch.StartNew();
        var ran = ChildProcess.Run(info, timeoutSeconds, $"NotebookRunner {notebook}");
        JsonElement? written = File.Exists(outIpynb) ? JsonDocument.Parse(File.ReadAllText(outIpynb)).RootElement : null;
        return new Result(ran.ExitCode, ran.Stdout, ran.Stderr, written, clock.Elapsed);
    }

    /// <summary>All outputs of all cells, flattened, with the index of their cell.</summary>
    public static IEnumerable<(int Cell, JsonElement Output)> Outputs(JsonElement notebook) =>
        notebook.GetProperty("cells").EnumerateArray().SelectMany((c, i) =>
            c.TryGetProperty("outputs", out var outputs) ? outputs.EnumerateArray().Select(o => (i, o)) : []);

    /// <summary>nbformat's multiline string (a string or a list of lines) as one string.</summary>
    public static string Text(JsonElement multiline) =>
        multiline.ValueKind == JsonValueKind.Array ? string.Concat(multiline.EnumerateArray().Select(l => l.GetString())) : multiline.GetString() ?? "";

    /// <summary>
    /// The nbformat 4.5 schema (from Debian's python3-nbformat 5.5.0) as a validator. The schema has three slips
    /// that every validator ignores, as JSON Schema prescribes for unknown names: "item" (for "items") under
    /// metadata.authors, and "source_hidden"/"outputs_hidden" written beside "properties" instead of in it.
    /// </summary>
    public static JsonSchemaValidator Schema { get; } = new(Fixtures.Json("notebooks/nbformat.v4.5.schema.json"), "item", "source_hidden", "outputs_hidden");
}
