using System.Collections;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Registers the workbook's notebook formatters with Microsoft.DotNet.Interactive.Formatting: Plotly
/// figures, data frames, sequences of records, image grids and finished runs (RunResult), each as text/html with a
/// text/plain fallback. Call once after <c>#r</c>; the real .NET Interactive kernel and our headless runner
/// both format values through this same Formatter, so the notebook looks the same in either.
/// </summary>
public static class NotebookDisplay
{
    const string Html = "text/html", Plain = "text/plain";
    static readonly object gate = new();
    static bool registered;

    /// <summary>Registers the formatters; later calls do nothing.</summary>
    public static void Register()
    {
        lock (gate)
        {
            if (registered) return;
            registered = true;
        }
        NativeProbing.Install(typeof(SkiaSharp.SKBitmap).Assembly);

        // Captured before our IEnumerable formatter exists: sequences that are not records keep the default look.
        var defaultHtml = Formatter.GetPreferredFormatterFor(typeof(object), Html);
        var defaultPlain = Formatter.GetPreferredFormatterFor(typeof(object), Plain);

        Add<PlotlyFigure>(PlotlyDisplay.ToHtml, PlotlyDisplay.ToText);
        Add<DataFrame>(f => Tables.FromDataFrame(f).ToHtml(), f => Tables.FromDataFrame(f).ToText());
        Add<ImageGrid>(g => g.ToHtml(), g => g.ToText());
        Add<RunResult>(RunResultDisplay.ToHtml, RunResultDisplay.ToText);
        Add<TextTable>(t => t.ToHtml(), t => t.ToText());
        Add<MarkdownText>(m => m.ToHtml(), m => m.Markdown);
        Add<SetupReport>(r => r.ToHtml(), r => r.ToText());
        Formatter.Register<IEnumerable>((items, writer) => writer.Write(SequenceTable(items)?.ToHtml() ?? items.ToDisplayString(defaultHtml)), Html);
        Formatter.Register<IEnumerable>((items, writer) => writer.Write(SequenceTable(items)?.ToText() ?? items.ToDisplayString(defaultPlain)), Plain);
    }

    static void Add<T>(Func<T, string> html, Func<T, string> plain)
    {
        Formatter.Register<T>((value, writer) => writer.Write(html(value)), Html);
        Formatter.Register<T>((value, writer) => writer.Write(plain(value)), Plain);
        // Both, so that static viewers that drop scripts (GitHub) still have a text version.
        Formatter.SetPreferredMimeTypesFor(typeof(T), Html, Plain);
    }

    static TextTable? SequenceTable(IEnumerable items) =>
        items is IEnumerable<RunResult> runs ? RunResultDisplay.RunsTable(runs) : Tables.TryFromRecords(items);
}
