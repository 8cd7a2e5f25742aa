using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookRunner.Documents;

/// <summary>
/// Reads nbformat 4 notebooks as Polyglot Notebooks writes them: a code cell's kernel comes from
/// metadata.polyglot_notebook.kernelName (older files: metadata.dotnet_interactive.language), else from
/// the notebook's default kernel, else C#. Outputs are read too (an executed notebook, as the kernel wrote it).
/// </summary>
public static class IpynbReader
{
    public static Notebook Read(string json, string pathForMessages)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new NotebookFormatException($"{pathForMessages}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{pathForMessages}: not valid JSON ({e.Message}).");
        }
        if (root["nbformat"]?.GetValue<int>() is not 4)
            throw new NotebookFormatException($"{pathForMessages}: only nbformat 4 notebooks are supported (found {root["nbformat"]?.ToJsonString() ?? "none"}).");
        var metadata = root["metadata"] as JsonObject ?? new JsonObject();
        string defaultKernel = metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() ?? Notebook.DefaultKernel;
        var cells = new List<NotebookCell>();
        if (root["cells"] is not JsonArray array) throw new NotebookFormatException($"{pathForMessages}: 'cells' is missing.");
        foreach (var (node, index) in array.Select((n, i) => (n, i)))
        {
            if (node is not JsonObject cell) throw new NotebookFormatException($"{pathForMessages}: cell {index + 1} is not an object.");
            var cellMetadata = cell["metadata"]?.DeepClone() as JsonObject ?? new JsonObject();
            string source = Source(cell["source"]);
            string? id = cell["id"]?.GetValue<string>();
            var kind = cell["cell_type"]?.GetValue<string>() switch
            {
                "markdown" => CellKind.Markdown,
                "code" => CellKind.Code,
                "raw" => CellKind.Raw,
                var other => throw new NotebookFormatException($"{pathForMessages}: cell {index + 1} has unknown cell_type '{other}'."),
            };
            string kernel = kind == CellKind.Markdown ? "markdown"
                : cellMetadata["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
                  ?? cellMetadata["dotnet_interactive"]?["language"]?.GetValue<string>()
                  ?? defaultKernel;
            var read = new NotebookCell(kind, source, kernel, id, cellMetadata) { ExecutionCount = Count(cell["execution_count"]) };
            if (cell["outputs"] is JsonArray outputs) read.Outputs.AddRange(outputs.OfType<JsonObject>().Select(Output).OfType<CellOutput>());
            cells.Add(read);
        }
        return new Notebook(cells, metadata);
    }

    static CellOutput? Output(JsonObject o) => o["output_type"]?.GetValue<string>() switch
    {
        "stream" => Stream(o["name"]?.GetValue<string>() ?? "stdout", Source(o["text"])),
        "display_data" or "execute_result" => new DisplayOutput(
            (o["data"] as JsonObject ?? []).ToDictionary(p => p.Key, p => Source(p.Value)), Count(o["execution_count"])),
        "error" => new ErrorOutput(o["ename"]?.GetValue<string>() ?? "", o["evalue"]?.GetValue<string>() ?? "",
            (o["traceback"] as JsonArray ?? []).Select(t => t?.GetValue<string>() ?? "").ToList()),
        _ => null,
    };

    static StreamOutput Stream(string name, string text)
    {
        var stream = new StreamOutput(name);
        stream.Text.Append(text);
        return stream;
    }

    static int? Count(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    /// <summary>nbformat's multiline string: one string, or a list of lines that each keep their newline.</summary>
    public static string Source(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        _ => node.GetValue<string>(),
    };
}
