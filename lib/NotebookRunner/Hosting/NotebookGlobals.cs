using Microsoft.AspNetCore.Html;

namespace NotebookRunner.Hosting;

/// <summary>
/// Members every cell sees without a using, mirroring what the .NET Interactive C# kernel provides:
/// <c>display(value, mimeTypes)</c> and <c>HTML(markup)</c>.
/// </summary>
public class NotebookGlobals
{
    // Lower-case on purpose: notebooks written for the kernel call display(...).
    public DisplayedValue display(object? value, params string[] mimeTypes) => DisplayCall.Show(value, mimeTypes);

    public IHtmlContent HTML(string markup) => new HtmlString(markup);
}

/// <summary>display() and Display() both land here: format the value, add it to the running cell.</summary>
static class DisplayCall
{
    public static DisplayedValue Show(object? value, string[] mimeTypes)
    {
        var sink = CellOutputSink.Current ?? throw new InvalidOperationException("display() was called outside a running cell.");
        var types = mimeTypes.Length > 0 ? mimeTypes : null;
        return new DisplayedValue(sink.Add(MimeBundle.Format(value, types)), types);
    }
}
