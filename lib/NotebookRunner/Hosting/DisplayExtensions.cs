using NotebookRunner.Hosting;

// The only namespace cells import from the runner (besides the globals' members), so that nothing else of the
// runner can clash with a notebook's own names.
namespace NotebookRunner.CellImports;

/// <summary><c>value.Display()</c>, as the kernel offers it.</summary>
public static class DisplayExtensions
{
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) => DisplayCall.Show(value, mimeTypes);
}
