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
        foreach (var old in List().SkipLast(Math.Max(keep, 1))) File.Delete(old);
        return path;
    }

    /// <summary>Checkpoint files, oldest first.</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "step-*.ckpt").Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The newest checkpoint whose header reads (a damaged newest file falls back to the one before), or null.</summary>
    public string? Latest()
    {
        foreach (var path in List().Reverse())
        {
            try
            {
                CheckpointFile.ReadMetadata(path);
                return path;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or System.Text.Json.JsonException)
            {
                // fall back to an older checkpoint
            }
        }
        return null;
    }
}
