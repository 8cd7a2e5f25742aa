using Microsoft.DotNet.Interactive.Formatting;

namespace NotebookRunner.Hosting;

/// <summary>
/// Formats a value the way the .NET Interactive kernel does: once per preferred MIME type of its type
/// (Formatter.GetPreferredMimeTypesFor), through whatever formatters the notebook registered. text/plain
/// is always added, so static viewers that drop HTML or scripts still show something.
/// </summary>
public static class MimeBundle
{
    public const string PlainText = "text/plain";

    public static IReadOnlyDictionary<string, string> Format(object? value, IReadOnlyCollection<string>? mimeTypes = null)
    {
        if (value is null) return new Dictionary<string, string> { [PlainText] = Formatter.NullString };
        var types = mimeTypes is { Count: > 0 } ? mimeTypes.ToList() : Formatter.GetPreferredMimeTypesFor(value.GetType()).ToList();
        if (!types.Contains(PlainText)) types.Add(PlainText);
        var data = new Dictionary<string, string>();
        foreach (var mime in types.Distinct()) data[mime] = value.ToDisplayString(mime);
        return data;
    }
}
