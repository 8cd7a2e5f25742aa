using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Util;

namespace SslAnomaly.Experiments;

/// <summary>
/// One experiment's folder: config.json, checkpoints/, logs, metrics.csv, TensorBoard events and, on
/// completion, result.json (written atomically, so its presence means the run finished). A lock file
/// held for the process's lifetime keeps two processes from running the same experiment; the OS
/// releases it when the holder dies, even by kill -9.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    public const string ConfigFile = "config.json";
    public const string ResultFile = "result.json";
    public const string LockFile = "run.lock";
    public const string LogFile = "run.log";

    readonly FileStream lockStream;

    RunDirectory(string path, FileStream lockStream)
    {
        Path = path;
        this.lockStream = lockStream;
    }

    public string Path { get; }
    public string ConfigPath => System.IO.Path.Combine(Path, ConfigFile);
    public string ResultPath => System.IO.Path.Combine(Path, ResultFile);
    public string CheckpointDirectory => System.IO.Path.Combine(Path, "checkpoints");
    public string LogPath => System.IO.Path.Combine(Path, LogFile);
    public string MetricsCsvPath => System.IO.Path.Combine(Path, "metrics.csv");
    public string TensorBoardDirectory => System.IO.Path.Combine(Path, "tensorboard");
    public string FeatureCacheDirectory => System.IO.Path.Combine(Path, "features");

    /// <summary>
    /// Deletes the temporaries of atomic writes (checkpoint, cache, result) that a killed process left half-written. Only
    /// the lock holder may write in the folder, so every *.tmp found once the lock is ours is dead.
    /// </summary>
    static void RemoveStaleTemporaries(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories))
            try { File.Delete(file); } catch (IOException) { } // gone already, or held by a reader: harmless
    }

    /// <summary>Creates (if needed) and locks the folder; null when another process holds it.</summary>
    public static RunDirectory? TryOpen(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
            var probe = System.IO.Path.Combine(full, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new UserInputException($"output directory {full} is not writable: {e.Message}", e);
        }
        try
        {
            var stream = new FileStream(System.IO.Path.Combine(full, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var owner = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId} {Environment.MachineName}\n");
            stream.Write(owner);
            stream.Flush();
            RemoveStaleTemporaries(full);
            return new RunDirectory(full, stream);
        }
        catch (IOException)
        {
            return null; // locked by a live process
        }
    }

    /// <summary>Opens and locks, or fails with a message naming the folder.</summary>
    public static RunDirectory Open(string path) =>
        TryOpen(path) ?? throw new UserInputException($"run directory {System.IO.Path.GetFullPath(path)} is in use by another process (see its {LockFile}).");

    /// <summary>True when result.json exists with status "completed".</summary>
    public static bool IsCompleted(string path) => ReadStatus(path) == RunStatus.Completed;

    /// <summary>The status in result.json, or null when the run has not finished (no result.json, or one that cannot be read).</summary>
    public static RunStatus? ReadStatus(string path)
    {
        var result = System.IO.Path.Combine(path, ResultFile);
        if (!File.Exists(result)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(result))?["status"]?.Deserialize<RunStatus>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Records the config. A folder that already holds a different experiment is refused, so results of
    /// two experiments are never mixed; <paramref name="force"/> starts over. A config.json of the same experiment in
    /// the older flat shape is rewritten in the current one, so that it matches result.json's config_sha256.
    /// </summary>
    public void WriteConfig(ExperimentConfig config, bool force)
    {
        var json = config.ToJson();
        if (File.Exists(ConfigPath) && !force)
        {
            if (!HoldsExperiment(Path, config))
                throw new UserInputException($"{ConfigPath} holds a different experiment; use another --out or --force to start over.");
            if (File.ReadAllText(ConfigPath) == json) return;
        }
        AtomicFile.WriteAllText(ConfigPath, json);
    }

    /// <summary>
    /// Whether the folder's config.json describes <paramref name="config"/>: the same values once a config of the older
    /// flat shape is read the way it was run (<see cref="ConfigMigration.Resolve"/>). False when there is none or it cannot be read.
    /// </summary>
    public static bool HoldsExperiment(string folder, ExperimentConfig config)
    {
        var path = System.IO.Path.Combine(folder, ConfigFile);
        if (!File.Exists(path)) return false;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject stored) return false;
            // Compared as parsed text, as both files would be written.
            return JsonNode.DeepEquals(JsonNode.Parse(ConfigMigration.Resolve(stored).ToJsonString()), JsonNode.Parse(config.ToJson()));
        }
        catch (Exception e) when (e is JsonException or UserInputException or InvalidOperationException)
        {
            return false; // unreadable, or naming a method that no longer exists: not this experiment
        }
    }

    /// <summary>Removes everything but the lock: used by --force.</summary>
    public void Clear()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path))
        {
            if (System.IO.Path.GetFileName(entry) == LockFile) continue;
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
    }

    public void WriteResult<T>(T result, JsonSerializerOptions options) =>
        AtomicFile.WriteAllText(ResultPath, JsonSerializer.Serialize(result, options));

    public void Dispose() => lockStream.Dispose();
}
