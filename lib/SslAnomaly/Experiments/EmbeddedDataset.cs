using SslAnomaly.Data;
using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Experiments;

/// <summary>
/// The embedded sewer-like dataset, rendered once per settings into a per-user cache and shared by every
/// run (same seed, same bytes). Rendering goes to a temp folder that is renamed into place, under a lock,
/// so parallel runs of a sweep never see a half-written dataset.
/// </summary>
public static class EmbeddedDataset
{
    public const string CacheEnvironmentVariable = "SSL_ANOMALY_DATA_CACHE";

    public static string CacheRoot()
    {
        var overridden = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridden)) return Path.GetFullPath(overridden);
        return Path.Combine(Path.GetDirectoryName(Native.TorchRuntime.CacheRoot())!, "embedded");
    }

    public static string FolderName(SyntheticDataSettings s) =>
        $"synth-v{SyntheticSewer.GeneratorVersion}-train{s.Train}-val{s.Val}-test{s.Test}-{s.Resolution}px-seed{s.Seed}" +
        (s.DefectScale == 1 ? "" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"-defects{s.DefectScale:0.###}x"));

    /// <summary>The dataset's root folder, rendering it first if needed.</summary>
    public static string Ensure(SyntheticDataSettings settings, TextWriter? log = null)
    {
        var root = CacheRoot();
        var target = Path.Combine(root, FolderName(settings));
        if (IsComplete(target)) return target;
        Directory.CreateDirectory(root);
        using var lockFile = WaitForLock(Path.Combine(root, FolderName(settings) + ".lock"));
        if (IsComplete(target)) return target; // another process rendered it while we waited
        var temp = Path.Combine(root, $".{FolderName(settings)}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        log?.WriteLine($"rendering the embedded dataset ({settings.Train} train + {settings.Val} val + {settings.Test} test images at {settings.Resolution} px) into {target}");
        var summary = SyntheticSewer.Generate(temp, new SyntheticSewerOptions
        {
            Train = settings.Train, Val = settings.Val, Test = settings.Test, Resolution = settings.Resolution, Seed = settings.Seed, DefectScale = settings.DefectScale,
        });
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true); // a stale, incomplete copy
        Directory.Move(temp, target);
        log?.WriteLine($"embedded dataset ready: {summary.ImagesPerSecond:F0} images/s");
        return target;
    }

    static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, SyntheticSewer.SummaryFile));

    static FileStream WaitForLock(string path)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
        }
    }
}
