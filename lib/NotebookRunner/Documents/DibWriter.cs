using System.Text;
using System.Text.Json;

namespace NotebookRunner.Documents;

/// <summary>
/// Writes a notebook as Polyglot's .dib text: the <c>#!meta</c> line with the kernel info, then each cell as a
/// <c>#!csharp</c> / <c>#!markdown</c> header, a blank line, its source and a blank line. The notebooks' .ipynb files
/// are the source of truth; their .dib twins are written from them (<c>NotebookRunner dib</c>), and a test keeps
/// the committed .dib files equal to what this writes.
/// </summary>
public static class DibWriter
{
    const string DefaultMeta = """{"kernelInfo":{"defaultKernelName":"csharp","items":[{"name":"csharp","aliases":["cs","C#","c#"]}]}}""";

    public static string Write(Notebook notebook)
    {
        var meta = notebook.Metadata["polyglot_notebook"]?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? DefaultMeta;
        var s = new StringBuilder("#!meta\n\n").Append(meta).Append("\n\n");
        foreach (var cell in notebook.Cells)
        {
            string header = cell.Kind switch
            {
                CellKind.Markdown => "markdown",
                CellKind.Code => cell.Kernel,
                _ => throw new NotebookFormatException($"a raw cell has no .dib form (cell id {cell.Id ?? "?"})."),
            };
            s.Append("#!").Append(header).Append("\n\n").Append(cell.Source.TrimEnd('\n')).Append("\n\n");
        }
        return s.ToString().TrimEnd('\n') + "\n";
    }
}
