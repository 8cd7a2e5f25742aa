using SslAnomaly.Util;

namespace SslAnomaly.Reporting;

/// <summary>
/// PNG copies of a report's figures, for papers and slides: each figures/NAME.html page rendered by headless chromium
/// into figures/NAME.png. Plotly's own image export needs Kaleido or a downloaded browser, neither of which an
/// offline machine has, so the system browser does it where one is installed; the HTML figures do not depend on it.
/// </summary>
public static class FigureImages
{
    public sealed record Outcome(IReadOnlyList<string> Written, string? SkippedBecause);

    public static Outcome Render(string reportDir, TextWriter? log = null)
    {
        var browser = HeadlessChromium.Find();
        if (browser is null)
            return new Outcome([], $"no chromium found (install Debian's 'chromium' or set {HeadlessChromium.ExecutableVariable})");
        var written = new List<string>();
        foreach (var page in Directory.GetFiles(Path.Combine(reportDir, "figures"), "*.html").Order(StringComparer.Ordinal))
        {
            if (page.EndsWith(PrintSuffix, StringComparison.Ordinal)) continue; // an interrupted run's leftover
            var png = Path.ChangeExtension(page, ".png");
            var html = File.ReadAllText(page);
            var (width, height) = LayoutSize(html);
            // A print copy beside the page (so its relative plotly.js path holds): no margins, no hover toolbar.
            var print = page + PrintSuffix;
            try
            {
                File.WriteAllText(print, html.Replace("</head>", PrintStyle + "</head>", StringComparison.Ordinal));
                HeadlessChromium.Screenshot(browser, print, png, width, height);
            }
            finally
            {
                File.Delete(print);
            }
            written.Add(png);
            log?.WriteLine($"  {Path.GetRelativePath(reportDir, png)}");
        }
        return new Outcome(written, null);
    }

    const string PrintSuffix = ".print.html";
    const string PrintStyle = "<style>body{margin:0}.modebar-container{display:none!important}</style>";

    /// <summary>The figure's own width and height from its Plotly layout (the report's figures all set both); else a default.</summary>
    public static (int Width, int Height) LayoutSize(string html)
    {
        var m = System.Text.RegularExpressions.Regex.Match(html, "data-width=\"(\\d+)\" data-height=\"(\\d+)\"");
        return m.Success && int.Parse(m.Groups[1].Value) > 0 && int.Parse(m.Groups[2].Value) > 0
            ? (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))
            : (1100, 720);
    }
}
