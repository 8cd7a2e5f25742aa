using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookRunner.Documents;

/// <summary>
/// Reads the Polyglot .dib text format: an optional <c>#!meta</c> line followed by JSON, then cells that
/// each start with a line <c>#!&lt;kernel&gt;</c> (e.g. <c>#!csharp</c>, <c>#!markdown</c>). A <c>#!</c> line
/// that names no kernel (e.g. <c>#!time</c>) is a magic command and stays inside its cell.
/// </summary>
public static class DibReader
{
    /// <summary>Kernel names .NET Interactive ships with, plus their aliases.</summary>
    static readonly string[] BuiltInKernels =
        ["csharp", "cs", "c#", "fsharp", "fs", "f#", "pwsh", "powershell", "markdown", "md", "javascript", "js", "html", "mermaid", "sql", "kql", "value", "http"];

    public static Notebook Read(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var metadata = new JsonObject();
        var kernels = new HashSet<string>(BuiltInKernels, StringComparer.OrdinalIgnoreCase);
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["cs"] = "csharp", ["c#"] = "csharp", ["fs"] = "fsharp", ["f#"] = "fsharp", ["md"] = "markdown", ["js"] = "javascript", ["powershell"] = "pwsh" };
        int i = 0;
        if (lines.Length > 0 && lines[0].Trim() == "#!meta")
        {
            var json = new StringBuilder();
            for (i = 1; i < lines.Length && !lines[i].StartsWith("#!", StringComparison.Ordinal); i++) json.AppendLine(lines[i]);
            try
            {
                if (JsonNode.Parse(json.ToString()) is JsonObject meta) metadata["polyglot_notebook"] = meta;
            }
            catch (JsonException e)
            {
                throw new NotebookFormatException($".dib #!meta block is not valid JSON: {e.Message}");
            }
            if (metadata["polyglot_notebook"]?["kernelInfo"]?["items"] is JsonArray items)
                foreach (var item in items.OfType<JsonObject>())
                {
                    string? name = item["name"]?.GetValue<string>();
                    if (name is null) continue;
                    kernels.Add(name);
                    if (item["aliases"] is JsonArray a)
                        foreach (var alias in a.Select(x => x?.GetValue<string>()).OfType<string>())
                        {
                            kernels.Add(alias);
                            aliases[alias] = name;
                        }
                }
        }

        var cells = new List<NotebookCell>();
        string? kernel = null;
        var body = new List<string>();
        void Flush()
        {
            if (kernel is null)
            {
                if (body.Any(l => l.Trim().Length > 0))
                    throw new NotebookFormatException(".dib: text before the first cell header (#!csharp, #!markdown, ...).");
                return;
            }
            string source = string.Join("\n", Trim(body));
            var kind = kernel == "markdown" ? CellKind.Markdown : CellKind.Code;
            var cellMetadata = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = kernel } };
            cells.Add(new NotebookCell(kind, source, kernel, null, cellMetadata));
        }
        for (; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd();
            if (line.StartsWith("#!", StringComparison.Ordinal) && kernels.Contains(line[2..]))
            {
                Flush();
                kernel = aliases.TryGetValue(line[2..], out var canonical) ? canonical : line[2..];
                body = [];
            }
            else body.Add(lines[i]);
        }
        Flush();
        return new Notebook(cells, metadata);
    }

    /// <summary>Drops the blank lines that separate a header from its cell and cells from each other.</summary>
    static IEnumerable<string> Trim(List<string> lines)
    {
        int start = lines.FindIndex(l => l.Trim().Length > 0);
        if (start < 0) return [];
        int end = lines.FindLastIndex(l => l.Trim().Length > 0);
        return lines.Skip(start).Take(end - start + 1);
    }
}
