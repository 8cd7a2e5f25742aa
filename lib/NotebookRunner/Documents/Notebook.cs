using System.Text.Json.Nodes;

namespace NotebookRunner.Documents;

/// <summary>What a cell holds: text for a reader (markdown) or code for a kernel (named by <see cref="NotebookCell.Kernel"/>).</summary>
public enum CellKind { Markdown, Code, Raw }

/// <summary>
/// One cell of a notebook as read from .ipynb or .dib. <see cref="Kernel"/> is the Polyglot kernel name of a
/// code cell ("csharp", "fsharp", "html", ...); <see cref="Metadata"/> is carried through to the output.
/// </summary>
public sealed class NotebookCell(CellKind kind, string source, string kernel, string? id = null, JsonObject? metadata = null)
{
    public CellKind Kind { get; } = kind;
    public string Source { get; } = source;
    public string Kernel { get; } = kernel;
    public string? Id { get; } = id;
    public JsonObject Metadata { get; } = metadata ?? new JsonObject();
    public List<CellOutput> Outputs { get; } = [];
    public int? ExecutionCount { get; set; }
}

/// <summary>A notebook: its cells in order and its top-level metadata (kernelspec, polyglot kernel info).</summary>
public sealed class Notebook(IReadOnlyList<NotebookCell> cells, JsonObject metadata)
{
    public IReadOnlyList<NotebookCell> Cells { get; } = cells;
    public JsonObject Metadata { get; } = metadata;

    public const string DefaultKernel = "csharp";

    /// <summary>Kernel names (and aliases) that mean C#.</summary>
    public static readonly IReadOnlySet<string> CSharpNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "csharp", "cs", "c#", "C#" };

    /// <summary>Reads a notebook by extension: .ipynb (nbformat 4) or .dib (Polyglot text format).</summary>
    public static Notebook Load(string path)
    {
        try
        {
            return Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".ipynb" => IpynbReader.Read(File.ReadAllText(path), path),
                ".dib" => DibReader.Read(File.ReadAllText(path)),
                var other => throw new NotebookFormatException($"{path}: unknown notebook type '{other}' (expected .ipynb or .dib)."),
            };
        }
        catch (InvalidOperationException e) // a JSON value of the wrong kind (e.g. a number where text belongs)
        {
            throw new NotebookFormatException($"{path}: {e.Message}");
        }
    }
}

/// <summary>The notebook file cannot be read; the message names the file and the problem.</summary>
public sealed class NotebookFormatException(string message) : Exception(message);
