namespace SslAnomaly.Tests.Support;

/// <summary>
/// Loads a local page in headless chromium (<see cref="SslAnomaly.Util.HeadlessChromium"/>), lets its scripts run for a
/// virtual-time budget and returns the DOM afterwards. Pages get a collector injected first that writes every script error
/// (window errors, rejected promises, console.error) into the DOM as &lt;pre data-script-error&gt;.
/// </summary>
public static class BrowserPage
{
    public const string ErrorMarker = "data-script-error";

    const string Collector = """
        <script>(function () {
          function note(kind, text) {
            var pre = document.createElement('pre');
            pre.setAttribute('data-script-error', kind);
            pre.textContent = String(text);
            (document.body || document.documentElement).appendChild(pre);
          }
          window.addEventListener('error', function (e) { note('error', e.message + ' at ' + e.filename + ':' + e.lineno); });
          window.addEventListener('unhandledrejection', function (e) { note('rejection', e.reason); });
          var consoleError = console.error;
          console.error = function () { note('console.error', Array.prototype.join.call(arguments, ' ')); consoleError.apply(console, arguments); };
        })();</script>
        """;

    /// <summary>The script errors the injected collector wrote into a dumped DOM.</summary>
    public static IReadOnlyList<string> ScriptErrors(string dom) =>
        System.Text.RegularExpressions.Regex.Matches(dom, $"<pre {ErrorMarker}=\"([^\"]*)\">([^<]*)</pre>")
            .Select(m => $"{m.Groups[1].Value}: {System.Net.WebUtility.HtmlDecode(m.Groups[2].Value)}").ToList();

    public static string Executable() =>
        SslAnomaly.Util.HeadlessChromium.Find()
        ?? throw new InvalidOperationException(
            "chromium is not installed: the browser test needs Debian's 'chromium' package. Run environment/setup-test-tools.sh (as root) or apt-get install -y chromium.");

    /// <summary>Copies the page with the error collector injected first in &lt;head&gt;, loads it, returns the final DOM.</summary>
    public static string DumpDom(string htmlPath, int virtualTimeMs = 5000, int timeoutSeconds = 120)
    {
        string chromium = Executable();
        string html = File.ReadAllText(htmlPath);
        int head = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        if (head < 0) throw new InvalidDataException($"{htmlPath} has no <head>");
        var instrumented = Path.Combine(Path.GetDirectoryName(htmlPath)!, Path.GetFileNameWithoutExtension(htmlPath) + ".instrumented.html");
        File.WriteAllText(instrumented, html.Insert(head + "<head>".Length, Collector));
        var dom = SslAnomaly.Util.HeadlessChromium.Run(chromium, [$"--virtual-time-budget={virtualTimeMs}", "--dump-dom"],
            new Uri(instrumented).AbsoluteUri, timeoutSeconds);
        if (dom.Length == 0) throw new InvalidOperationException($"chromium returned an empty DOM for {instrumented}");
        return dom;
    }
}
