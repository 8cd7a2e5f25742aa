using System.Diagnostics;

namespace SslAnomaly.Util;

/// <summary>
/// Debian's chromium run headless and offline, for what only a browser can do: render the Plotly pages to PNG
/// (report) and load them to check that every figure draws (tests). Each run gets a throw-away profile folder,
/// so concurrent runs and a user's own browser never share state.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>Set to a browser binary to use it instead of the usual Debian paths.</summary>
    public const string ExecutableVariable = "SSL_ANOMALY_CHROMIUM";

    static readonly string[] KnownPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>The browser binary, or null where none is installed.</summary>
    public static string? Find() =>
        Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } chosen && File.Exists(chosen)
            ? chosen
            : KnownPaths.FirstOrDefault(File.Exists);

    /// <summary>Runs the browser headless on <paramref name="url"/> with extra switches; returns its standard output.</summary>
    public static string Run(string executable, IEnumerable<string> switches, string url, int timeoutSeconds = 120)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var info = ChildProcess.Info(executable,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile.FullName}",
                .. switches, url,
            ]);
            var result = ChildProcess.Run(info, timeoutSeconds, $"{executable} on {url}");
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"{executable} failed on {url} (exit {result.ExitCode})" +
                    (result.Stderr.Trim() is { Length: > 0 } why ? $": {why}" : ""));
            return result.Stdout;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Renders a local page to a PNG of the given viewport size after its scripts had <paramref name="virtualTimeMs"/>
    /// of virtual time. Written to a temp file first, so <paramref name="pngPath"/> is either absent or complete.
    /// </summary>
    public static void Screenshot(string executable, string htmlPath, string pngPath, int width = 1100, int height = 720, int virtualTimeMs = 5000) =>
        AtomicFile.Produce(pngPath, temp =>
        {
            Run(executable, [$"--window-size={width},{height}", $"--virtual-time-budget={virtualTimeMs}", $"--screenshot={temp}"],
                new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
            if (!File.Exists(temp) || !IsPng(temp))
                throw new InvalidOperationException($"{executable} wrote no PNG for {htmlPath}");
        }, tempExtension: ".png"); // chromium picks the image format from the extension

    static bool IsPng(string path)
    {
        Span<byte> head = stackalloc byte[8];
        using var f = File.OpenRead(path);
        return f.Read(head) == 8 && head.SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
    }
}
