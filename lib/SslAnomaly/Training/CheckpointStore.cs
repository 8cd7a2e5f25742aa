using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace SslAnomaly.Training;

/// <summary>
/// A run's checkpoint folder: files "step-000001234.ckpt" named by optimiser steps done, written atomically; the latest
/// readable one is the resume point; the oldest beyond <paramref name="keep"/> are removed after each save.
/// </summary>
public sealed class CheckpointStore(string directory, int keep = 2)
{
    public string Directory { get; } = directory;

    public static string FileName(long stepsDone) => $"step-{stepsDone:D9}.ckpt";

    /// <summary>The optimiser steps done at a checkpoint, from its file name.</summary>
    public static long StepOf(string path) =>
        long.Parse(Path.GetFileNameWithoutExtension(path)["step-".Length..], System.Globalization.CultureInfo.InvariantCulture);

    public string Save(long stepsDone, IEnumerable<(string, Tensor)> tensors, JsonObject metadata)
    {
        string path = Path.Combine(Directory, FileName(stepsDone));
        CheckpointFile.Write(path, tensors, metadata);
        Prune(keep);
        return path;
    }

    /// <summary>Removes all but the newest <paramref name="newest"/> checkpoints (at least one stays).</summary>
    public void Prune(int newest)
    {
        foreach (var old in List().SkipLast(Math.Max(newest, 1))) File.Delete(old);
    }

    /// <summary>Checkpoint files, oldest first.</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "step-*.ckpt").Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The newest checkpoint that verifies (length and checksum), or null. Damaged newer ones are renamed to
    /// "*.ckpt.damaged" (kept for inspection, never resumed from or counted again) and reported to <paramref name="warn"/>.
    /// </summary>
    public string? Latest(Action<string>? warn = null)
    {
        foreach (var path in List().Reverse())
        {
            try
            {
                CheckpointFile.Verify(path);
                return path;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or System.Text.Json.JsonException or InvalidOperationException)
            {
                var aside = path + DamagedSuffix;
                try
                {
                    File.Move(path, aside, overwrite: true);
                }
                catch (IOException)
                {
                    aside = path; // cannot rename (read-only folder): skip it this time
                }
                warn?.Invoke($"checkpoint {Path.GetFileName(path)} is damaged ({e.Message}); kept as {Path.GetFileName(aside)}, falling back to an older one");
            }
        }
        return null;
    }

    public const string DamagedSuffix = ".damaged";
}
