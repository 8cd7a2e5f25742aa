using System.Diagnostics;

namespace SslAnomaly.Tests.Support;

/// <summary>
/// Debian's chromium, headless, offline: loads a local page, lets its scripts run for a virtual-time budget
/// and returns the DOM afterwards. Pages get a collector injected first that writes every script error
/// (window errors, rejected promises, console.error) into the DOM as &lt;pre data-script-error&gt;.
/// </summary>
public static class HeadlessChromium
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
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
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

        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}",
                         $"--virtual-time-budget={virtualTimeMs}", "--dump-dom", new Uri(instrumented).AbsoluteUri,
                     })
                info.ArgumentList.Add(arg);
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish {instrumented} within {timeoutSeconds} s");
            }
            p.WaitForExit();
            if (p.ExitCode != 0 || stdout.Result.Length == 0)
                throw new InvalidOperationException($"chromium failed (exit {p.ExitCode}): {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
