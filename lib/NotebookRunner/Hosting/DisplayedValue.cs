using NotebookRunner.Documents;

namespace NotebookRunner.Hosting;

/// <summary>
/// What display() returns, as in .NET Interactive: a handle on the output that <see cref="Update"/>
/// re-formats in place (progress tables, figures that fill in while a loop runs).
/// </summary>
public sealed class DisplayedValue(DisplayOutput output, IReadOnlyCollection<string>? mimeTypes)
{
    public void Update(object? value) => output.Data = MimeBundle.Format(value, mimeTypes);
}
