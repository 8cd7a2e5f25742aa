namespace SslAnomaly.Tests.Notebooks;

/// <summary>The browser check itself: a page with broken scripts is reported, so a clean report means something.</summary>
public class HeadlessChromiumTests
{
    [Fact]
    public void Script_errors_and_console_errors_are_collected_into_the_dom()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("broken.html"), """
            <!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
            <div id="drawn"></div>
            <script>document.getElementById('drawn').textContent = 'script ran';</script>
            <script>noSuchFunction();</script>
            <script>setTimeout(function () { console.error('late failure'); }, 500);</script>
            </body></html>
            """);
        var dom = BrowserPage.DumpDom(dir.File("broken.html"));
        Assert.Contains("script ran", dom);
        var errors = BrowserPage.ScriptErrors(dom);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("error: Uncaught ReferenceError: noSuchFunction is not defined", StringComparison.Ordinal));
        Assert.Contains("console.error: late failure", errors);
    }
}
