using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookRunner.Documents;

/// <summary>
/// Writes an executed notebook as nbformat 4.5 with Polyglot metadata, so VS Code opens it with the .NET
/// kernel and Jupyter/GitHub render its outputs. Text is stored as lists of lines, as Jupyter does.
/// </summary>
public static partial class IpynbWriter
{
    public static string Write(Notebook notebook)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var cells = new JsonArray();
        foreach (var (cell, index) in notebook.Cells.Select((c, i) => (c, i)))
            cells.Add(Cell(cell, UniqueId(cell.Id, index, ids)));
        var root = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = Metadata(notebook.Metadata),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    static JsonObject Metadata(JsonObject source)
    {
        var metadata = (JsonObject)source.DeepClone();
        metadata["kernelspec"] ??= new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        metadata["language_info"] ??= new JsonObject { ["name"] = "polyglot-notebook" };
        metadata["polyglot_notebook"] ??= new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = Notebook.DefaultKernel,
                ["items"] = new JsonArray(new JsonObject { ["name"] = "csharp", ["aliases"] = new JsonArray("cs", "C#", "c#") }),
            },
        };
        return metadata;
    }

    static JsonObject Cell(NotebookCell cell, string id)
    {
        var metadata = (JsonObject)cell.Metadata.DeepClone();
        if (cell.Kind == CellKind.Code)
        {
            // Polyglot Notebooks reads the kernel of each code cell from here.
            var polyglot = metadata["polyglot_notebook"] as JsonObject ?? new JsonObject();
            polyglot["kernelName"] = cell.Kernel;
            metadata["polyglot_notebook"] = polyglot;
            return new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = cell.ExecutionCount,
                ["id"] = id,
                ["metadata"] = metadata,
                ["outputs"] = new JsonArray(cell.Outputs.Select(Output).ToArray<JsonNode?>()),
                ["source"] = Lines(cell.Source),
            };
        }
        return new JsonObject
        {
            ["cell_type"] = cell.Kind == CellKind.Markdown ? "markdown" : "raw",
            ["id"] = id,
            ["metadata"] = metadata,
            ["source"] = Lines(cell.Source),
        };
    }

    static JsonObject Output(CellOutput output) => output switch
    {
        StreamOutput s => new JsonObject { ["output_type"] = "stream", ["name"] = s.Name, ["text"] = Lines(s.Text.ToString()) },
        DisplayOutput d when d.IsResult => new JsonObject
        {
            ["output_type"] = "execute_result", ["data"] = Data(d.Data), ["execution_count"] = d.ExecutionCount, ["metadata"] = new JsonObject(),
        },
        DisplayOutput d => new JsonObject { ["output_type"] = "display_data", ["data"] = Data(d.Data), ["metadata"] = new JsonObject() },
        ErrorOutput e => new JsonObject
        {
            ["output_type"] = "error", ["ename"] = e.EName, ["evalue"] = e.EValue, ["traceback"] = new JsonArray(e.Traceback.Select(l => (JsonNode?)l).ToArray()),
        },
        _ => throw new ArgumentException($"unknown output {output.GetType().Name}"),
    };

    static JsonObject Data(IReadOnlyDictionary<string, string> data)
    {
        var o = new JsonObject();
        foreach (var (mime, value) in data)
            o[mime] = mime.EndsWith("json", StringComparison.Ordinal) && TryParse(value) is { } json ? json : Lines(value);
        return o;
    }

    static JsonNode? TryParse(string json)
    {
        try { return JsonNode.Parse(json); } catch (JsonException) { return null; }
    }

    /// <summary>Jupyter's multiline string: lines that keep their "\n", the last one without.</summary>
    public static JsonArray Lines(string text)
    {
        var array = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl + 1;
            array.Add(text[start..end]);
            start = end;
        }
        return array;
    }

    /// <summary>nbformat 4.5 requires unique ids of 1-64 characters from [a-zA-Z0-9-_]; keep the cell's own when it qualifies.</summary>
    static string UniqueId(string? id, int index, HashSet<string> used)
    {
        string candidate = id is not null && IdPattern().IsMatch(id) && !used.Contains(id) ? id : $"cell-{index + 1}";
        while (!used.Add(candidate)) candidate = $"cell-{index + 1}-{used.Count}";
        return candidate;
    }

    [GeneratedRegex("^[a-zA-Z0-9-_]{1,64}$")]
    private static partial Regex IdPattern();
}
