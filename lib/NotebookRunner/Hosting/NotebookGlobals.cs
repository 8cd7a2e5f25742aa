using Microsoft.AspNetCore.Html;

namespace NotebookRunner.Hosting;

/// <summary>
/// Members every cell sees without a using, mirroring what the .NET Interactive C# kernel provides:
/// <c>display(value, mimeTypes)</c> and <c>HTML(markup)</c>.
/// </summary>
public class NotebookGlobals
{
#pragma warning disable IDE1006 // lower-case names: notebooks written for the kernel call display(...) and HTML(...)
    public DisplayedValue display(object? value, params string[] mimeTypes) => NotebookDisplay.Show(value, mimeTypes);

    public IHtmlContent HTML(string markup) => new HtmlString(markup);
#pragma warning restore IDE1006
}

/// <summary><c>value.Display()</c>, as the kernel offers it.</summary>
public static class DisplayExtensions
{
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) => NotebookDisplay.Show(value, mimeTypes);
}

static class NotebookDisplay
{
    public static DisplayedValue Show(object? value, string[] mimeTypes)
    {
        var sink = CellOutputSink.Current ?? throw new InvalidOperationException("display() was called outside a running cell.");
        var types = mimeTypes.Length > 0 ? mimeTypes : null;
        return new DisplayedValue(sink.Add(MimeBundle.Format(value, types)), types);
    }
}
