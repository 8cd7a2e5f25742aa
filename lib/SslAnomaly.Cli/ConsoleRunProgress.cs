using System.Diagnostics;
using SslAnomaly.Experiments;
using Spectre.Console;

namespace SslAnomaly.Cli;

/// <summary>
/// Run progress on the console: a live Spectre.Console line (step, img/s, loss, ETA) on a terminal, and
/// plain lines every few seconds when output is redirected (logs, Slurm, sweeps) or
/// SSL_ANOMALY_PLAIN_PROGRESS=1.
/// </summary>
public sealed class ConsoleRunProgress : IRunProgress
{
    readonly bool plain;
    readonly Stopwatch sinceLastLine = Stopwatch.StartNew();
    readonly Stopwatch sinceStart = Stopwatch.StartNew();
    long firstStep = -1;

    ConsoleRunProgress(bool plain) => this.plain = plain;

    public static ConsoleRunProgress Create() => new(
        Console.IsOutputRedirected || Environment.GetEnvironmentVariable("SSL_ANOMALY_PLAIN_PROGRESS") == "1"
        || !AnsiConsole.Profile.Capabilities.Interactive);

    public void Stage(string message)
    {
        if (plain) Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
        else AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] [bold]{Markup.Escape(message)}[/]");
    }

    public void Training(long step, long totalSteps, int epochs, double loss, double imagesPerSecond)
    {
        if (firstStep < 0) { firstStep = step - 1; sinceStart.Restart(); }
        bool last = step == totalSteps;
        if (!last && sinceLastLine.Elapsed.TotalSeconds < (plain ? 10 : 0.5)) return;
        sinceLastLine.Restart();
        double perStep = sinceStart.Elapsed.TotalSeconds / Math.Max(1, step - firstStep);
        var eta = TimeSpan.FromSeconds(perStep * (totalSteps - step));
        long stepsPerEpoch = Math.Max(1, totalSteps / Math.Max(1, epochs));
        long epoch = Math.Min(epochs, (step - 1) / stepsPerEpoch + 1);
        var line = $"epoch {epoch}/{epochs}  step {step}/{totalSteps}  {imagesPerSecond,6:F1} img/s  loss {loss:F4}  ETA {eta:hh\\:mm\\:ss}";
        if (plain) Console.WriteLine(line);
        else
        {
            Console.Write("\r" + line.PadRight(Math.Max(0, Console.WindowWidth - 1)));
            if (last) Console.WriteLine();
        }
    }
}
