using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Data;
using SslAnomaly.Native;
using SslAnomaly.Util;

namespace SslAnomaly.Experiments;

/// <summary>What one publication did: per run, whether it was new, updated or already the same; what it skipped; sizes.</summary>
public sealed record PublishOutcome(
    string OutDir,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> SkippedUnfinished,
    IReadOnlyList<string> KeptNotInSource,
    int NotebookGridRuns,
    int Files,
    long TotalBytes,
    long DistinctBytes,
    long DistinctCompressedBytes,
    StudyTime Time)
{
    public int Published => Added.Count + Updated.Count + Unchanged.Count;
}

/// <summary>
/// Publishes finished runs as a committed study (docs/result-json.md, "A published study"): per run only the small files
/// that the report, `analyze`, `rerun` and the notebooks read (config.json, result.json, metrics.csv, run.log, the
/// probe's predictions and the labels of both splits, the manifests), never checkpoints, decoded images, feature caches
/// or TensorBoard events, which are large and which every reader can do without; plus study.json, what the study is and
/// where it was computed. The folder has a sweep's layout (sweep.json, runs/NAME/), so every command that reads a sweep
/// reads it. Publishing again copies what changed, so the same command keeps a growing study current.
/// </summary>
public static class StudyPublisher
{
    public const string StudyFile = "study.json";
    public const string RunsFolder = "runs";
    public const string Format = "ssl-anomaly-study";

    /// <summary>
    /// The runs the notebooks need beside the sweep (the ablations, the label-free selection grid), computed at the profile
    /// the notebooks fill gaps at, in the notebooks' own layout: notebook-grids/&lt;profile&gt;/ablations/&lt;grid&gt;/NAME and
    /// notebook-grids/&lt;profile&gt;/selection-grid/NAME. With them committed, the notebooks shown against the study train nothing.
    /// </summary>
    public const string NotebookGridsFolder = "notebook-grids";
    public const string AblationsFolder = "ablations", SelectionGridFolder = "selection-grid";

    /// <summary>Files of a run folder that readers need, by name (docs/result-json.md, "The run folder").</summary>
    public static readonly IReadOnlyList<string> RunFiles =
    [
        RunDirectory.ConfigFile, "metrics.csv", RunDirectory.LogFile,
        RunResult.PredictionsFile(SewerMlSplit.Val), RunResult.PredictionsFile(SewerMlSplit.Test), "predictions-probe.csv",
        RunResult.TruthFile(SewerMlSplit.Val), RunResult.TruthFile(SewerMlSplit.Test),
        RunDirectory.ResultFile, // last: a reader that sees it sees a complete run
    ];

    /// <summary>The subset manifests (train, probe, each evaluated subset and the unions): small, and they name every image.</summary>
    public const string ManifestFolder = "manifests";

    /// <summary>
    /// Copies every finished run found under <paramref name="runsDir"/> into <paramref name="outDir"/>/runs/NAME and writes
    /// study.json. A run folder without result.json is unfinished: it is skipped and named. Two finished runs with the
    /// same folder name would overwrite each other, so that is an error naming both.
    /// </summary>
    /// <param name="notebookGrids">The notebooks' own runs folder (their SSL_ANOMALY_NOTEBOOK_OUT, one folder per profile
    /// below it): its finished ablation and selection-grid runs are published under notebook-grids/, keeping their layout.</param>
    public static PublishOutcome Publish(string runsDir, string outDir, TextWriter? log = null, string? notebookGrids = null)
    {
        runsDir = Path.GetFullPath(runsDir);
        outDir = Path.GetFullPath(outDir);
        if (!Directory.Exists(runsDir)) throw new UserInputException($"--runs {runsDir} does not exist.");
        if (IsInside(outDir, runsDir) || IsInside(runsDir, outDir))
            throw new UserInputException($"--out {outDir} and --runs {runsDir} overlap: publish into a folder of its own.");
        var gridRuns = notebookGrids is null ? [] : NotebookGridRuns(Path.GetFullPath(notebookGrids), outDir);

        var folders = RunFolders(runsDir);
        var finished = folders.Where(f => File.Exists(Path.Combine(f, RunDirectory.ResultFile))).ToList();
        var unfinished = folders.Except(finished).Select(f => Path.GetRelativePath(runsDir, f)).ToList();
        foreach (var group in finished.GroupBy(Path.GetFileName).Where(g => g.Count() > 1))
            throw new UserInputException($"two finished runs share the folder name '{group.Key}' ({string.Join(", ", group)}): publish them separately.");
        if (finished.Count == 0)
            throw new UserInputException($"--runs {runsDir} holds no finished run (no result.json below it){(unfinished.Count > 0 ? $"; {unfinished.Count} unfinished: {string.Join(", ", unfinished)}" : "")}: nothing to publish.");

        var runsOut = Path.Combine(outDir, RunsFolder);
        Directory.CreateDirectory(runsOut);
        var added = new List<string>();
        var updated = new List<string>();
        var unchanged = new List<string>();
        foreach (var source in finished)
        {
            // Read it first: a result.json that does not parse is refused before anything is copied.
            _ = RunResult.TryRead(source);
            string name = Path.GetFileName(source)!;
            var target = Path.Combine(runsOut, name);
            bool existed = Directory.Exists(target);
            int changed = CopyRun(source, target);
            (existed ? changed > 0 ? updated : unchanged : added).Add(name);
        }
        foreach (var (source, relative) in gridRuns)
        {
            _ = RunResult.TryRead(source);
            CopyRun(source, Path.Combine(outDir, NotebookGridsFolder, relative));
        }
        var sweep = SweepFile(runsDir);
        if (sweep is not null) CopyIfChanged(sweep, Path.Combine(outDir, SweepPlan.PlanFile));

        var publishedNames = new HashSet<string>(finished.Select(f => Path.GetFileName(f)!), StringComparer.Ordinal);
        var kept = Directory.GetDirectories(runsOut).Select(d => Path.GetFileName(d)!).Where(n => !publishedNames.Contains(n)).Order(StringComparer.Ordinal).ToList();

        var runs = RunResult.ReadAll(runsOut);
        var sizes = Sizes(outDir);
        var time = StudyTime.Of(runs);
        var gridsOut = Path.Combine(outDir, NotebookGridsFolder);
        var grids = Directory.Exists(gridsOut) ? RunResult.ReadAll(gridsOut) : [];
        var study = StudyJson(runs, runsDir, unfinished, sizes, time, grids);
        AtomicFile.WriteAllText(Path.Combine(outDir, StudyFile), study.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var outcome = new PublishOutcome(outDir, added, updated, unchanged, unfinished, kept, gridRuns.Count, sizes.Files, sizes.Total, sizes.Distinct, sizes.DistinctCompressed, time);
        log?.WriteLine(Summary(outcome));
        return outcome;
    }

    /// <summary>The lines `ssl-anomaly publish` prints.</summary>
    public static string Summary(PublishOutcome o)
    {
        var s = new System.Text.StringBuilder();
        s.AppendLine($"published {o.Published} finished run(s) into {o.OutDir}: {o.Added.Count} new, {o.Updated.Count} updated, {o.Unchanged.Count} unchanged");
        if (o.SkippedUnfinished.Count > 0)
            s.AppendLine($"skipped {o.SkippedUnfinished.Count} unfinished run(s) (no result.json yet; publish again when they finish): {string.Join(", ", o.SkippedUnfinished)}");
        if (o.NotebookGridRuns > 0)
            s.AppendLine($"published {o.NotebookGridRuns} finished run(s) of the notebooks' grids into {Path.Combine(o.OutDir, NotebookGridsFolder)}");
        if (o.KeptNotInSource.Count > 0)
            s.AppendLine($"kept {o.KeptNotInSource.Count} run(s) published earlier that --runs does not hold: {string.Join(", ", o.KeptNotInSource)}");
        s.Append(string.Create(CultureInfo.InvariantCulture,
            $"folder size {Mb(o.TotalBytes)} in {o.Files} files; {Mb(o.DistinctBytes)} of distinct content ({Mb(o.DistinctCompressedBytes)} compressed: about what a clone of it costs, as git stores equal files once)"));
        s.AppendLine();
        s.Append(o.Time.Summary());
        return s.ToString();
    }

    static string Mb(long bytes) => (bytes / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " MB";

    /// <summary>Run folders below <paramref name="root"/>: those holding config.json (or result.json), not searched inside.</summary>
    public static IReadOnlyList<string> RunFolders(string root)
    {
        var found = new List<string>();
        void Walk(string dir)
        {
            if (File.Exists(Path.Combine(dir, RunDirectory.ConfigFile)) || File.Exists(Path.Combine(dir, RunDirectory.ResultFile)))
            {
                found.Add(dir);
                return;
            }
            foreach (var sub in Directory.GetDirectories(dir).Order(StringComparer.Ordinal)) Walk(sub);
        }
        Walk(root);
        return found;
    }

    /// <summary>
    /// The finished ablation and selection-grid runs below a notebooks' runs folder, each with its path under
    /// notebook-grids/ (profile/ablations/grid/NAME, profile/selection-grid/NAME). Nothing finished there is an error, as
    /// is a grids folder that overlaps the study.
    /// </summary>
    static IReadOnlyList<(string Source, string Relative)> NotebookGridRuns(string gridsRoot, string outDir)
    {
        if (!Directory.Exists(gridsRoot)) throw new UserInputException($"--notebook-grids {gridsRoot} does not exist.");
        if (IsInside(outDir, gridsRoot) || IsInside(gridsRoot, outDir))
            throw new UserInputException($"--out {outDir} and --notebook-grids {gridsRoot} overlap: publish into a folder of its own.");
        var found = new List<(string, string)>();
        foreach (var profile in Directory.GetDirectories(gridsRoot).Order(StringComparer.Ordinal))
            foreach (var kind in new[] { AblationsFolder, SelectionGridFolder }.Select(k => Path.Combine(profile, k)).Where(Directory.Exists))
                found.AddRange(RunFolders(kind).Where(f => File.Exists(Path.Combine(f, RunDirectory.ResultFile)))
                    .Select(f => (f, Path.GetRelativePath(gridsRoot, f))));
        if (found.Count == 0)
            throw new UserInputException($"--notebook-grids {gridsRoot} holds no finished run under <profile>/{AblationsFolder} or <profile>/{SelectionGridFolder}: run the notebooks against the study first (NotebookRunner outputs --runs-out {gridsRoot}).");
        return found;
    }

    /// <summary>The sweep plan of a sweep folder given as itself or as its runs/ folder, where there is one.</summary>
    static string? SweepFile(string runsDir)
    {
        var here = Path.Combine(runsDir, SweepPlan.PlanFile);
        if (File.Exists(here)) return here;
        var parent = Path.GetDirectoryName(runsDir);
        return Path.GetFileName(runsDir) == RunsFolder && parent is not null && File.Exists(Path.Combine(parent, SweepPlan.PlanFile))
            ? Path.Combine(parent, SweepPlan.PlanFile)
            : null;
    }

    /// <summary>The files of a run that are published, relative to its folder, in the order they are copied (result.json last).</summary>
    public static IReadOnlyList<string> PublishedFiles(string runDir)
    {
        var files = new List<string>();
        var manifests = Path.Combine(runDir, ManifestFolder);
        if (Directory.Exists(manifests))
            files.AddRange(Directory.GetFiles(manifests, "*.json").Order(StringComparer.Ordinal).Select(f => Path.Combine(ManifestFolder, Path.GetFileName(f))));
        files.AddRange(RunFiles.Where(f => File.Exists(Path.Combine(runDir, f))));
        return files;
    }

    /// <summary>Copies a run's published files, removes files the source no longer has; returns how many files changed.</summary>
    static int CopyRun(string source, string target)
    {
        var files = PublishedFiles(source);
        int changed = 0;
        foreach (var file in files)
            if (CopyIfChanged(Path.Combine(source, file), Path.Combine(target, file))) changed++;
        var wanted = new HashSet<string>(files, StringComparer.Ordinal);
        foreach (var stale in Directory.GetFiles(target, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(target, f)).Where(f => !wanted.Contains(f)))
        {
            File.Delete(Path.Combine(target, stale));
            changed++;
        }
        return changed;
    }

    static bool CopyIfChanged(string from, string to)
    {
        if (File.Exists(to) && new FileInfo(to).Length == new FileInfo(from).Length && File.ReadAllBytes(to).AsSpan().SequenceEqual(File.ReadAllBytes(from)))
            return false;
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        AtomicFile.WriteAllBytes(to, File.ReadAllBytes(from));
        return true;
    }

    static bool IsInside(string path, string folder)
    {
        var f = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return (Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar).StartsWith(f, StringComparison.Ordinal);
    }

    sealed record FolderSizes(int Files, long Total, long Distinct, long DistinctCompressed);

    /// <summary>
    /// Bytes on disk of every file but study.json, and of the distinct contents among them, each compressed once: runs of
    /// one seed share their validation and test manifests and labels byte for byte, and git stores equal files once, so
    /// the compressed distinct size is close to what the study adds to a clone.
    /// </summary>
    static FolderSizes Sizes(string outDir)
    {
        var files = Directory.GetFiles(outDir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(outDir, f) != StudyFile).ToList();
        long total = 0, distinct = 0, compressed = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            total += bytes.Length;
            if (!seen.Add(Convert.ToHexString(SHA256.HashData(bytes)))) continue;
            distinct += bytes.Length;
            using var sink = new MemoryStream();
            using (var z = new ZLibStream(sink, CompressionLevel.Optimal, leaveOpen: true)) z.Write(bytes);
            compressed += sink.Length;
        }
        return new FolderSizes(files.Count, total, distinct, compressed);
    }

    /// <summary>study.json: what the study holds and where it was computed, read from its runs' result.json (docs/result-json.md, "A published study").</summary>
    static JsonObject StudyJson(IReadOnlyList<RunResult> runs, string source, IReadOnlyList<string> unfinished, FolderSizes sizes, StudyTime time,
        IReadOnlyList<RunResult> notebookGrids)
    {
        static JsonObject Phases(PhaseSeconds p) => new()
        {
            ["runs"] = p.Runs, ["wall_seconds"] = Math.Round(p.Wall, 1), ["setup_seconds"] = Math.Round(p.Setup, 1),
            ["training_seconds"] = Math.Round(p.Training, 1), ["feature_seconds"] = Math.Round(p.Features, 1),
            ["probe_seconds"] = Math.Round(p.Probe, 1), ["one_class_seconds"] = Math.Round(p.OneClass, 1),
        };
        static JsonArray Strings(IEnumerable<string> values) => new(values.Distinct().Order(StringComparer.Ordinal).Select(v => (JsonNode?)v).ToArray());
        var commits = runs.Select(r => r.Environment.GetValueOrDefault("code_commit") ?? "unknown").ToList();
        var profiles = runs.Select(r => r.Profile).ToList();
        var machines = new JsonArray(runs.Where(r => r.Numerics is not null)
            .GroupBy(r => (r.Numerics!.Cpu, r.Numerics.CpuVendor, r.Numerics.CpuFamily, r.Numerics.CpuModel, r.Numerics.CpuCapability, r.Numerics.Libtorch, r.Numerics.Onednn, r.Numerics.Threads))
            .OrderByDescending(g => g.Count())
            .Select(g => (JsonNode?)new JsonObject
            {
                ["cpu"] = g.Key.Cpu, ["cpu_vendor"] = g.Key.CpuVendor, ["cpu_family"] = g.Key.CpuFamily, ["cpu_model"] = g.Key.CpuModel,
                ["cpu_capability"] = g.Key.CpuCapability, ["libtorch"] = g.Key.Libtorch, ["onednn"] = g.Key.Onednn, ["threads"] = g.Key.Threads,
                ["runs"] = g.Count(),
            }).ToArray());
        var checkedRuns = runs.Where(r => r.Numerics is not null).ToList();
        var failures = checkedRuns.SelectMany(r => r.Numerics!.Failures).GroupBy(f => f.Op).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (JsonNode?)new JsonObject { ["op"] = g.Key, ["remedy"] = g.First().Remedy, ["runs"] = g.Count() }).ToArray();
        string verdict = checkedRuns.Count == 0 ? "no run recorded a kernel check"
            : failures.Length == 0 ? $"every kernel the {checkedRuns.Count} checked run(s) used matched the float64 reference"
            : $"{failures.Length} op shape(s) failed the kernel check and ran on a fallback path that passed it";
        return new JsonObject
        {
            ["format"] = Format,
            ["version"] = 1,
            ["code_commit"] = commits.Distinct().Count() == 1 ? commits[0] : null,
            ["code_commits"] = Strings(commits),
            ["profile"] = profiles.Distinct().Count() == 1 ? profiles[0] : null,
            ["profiles"] = Strings(profiles),
            ["data_sources"] = Strings(runs.Select(r => r.DataSource)),
            ["runs"] = runs.Count,
            ["completed"] = runs.Count(r => r.IsCompleted),
            ["failed"] = runs.Count(r => !r.IsCompleted),
            ["collapsed"] = runs.Count(r => r.Collapsed),
            ["methods"] = Strings(runs.Select(r => r.Method)),
            ["backbones"] = Strings(runs.Select(r => r.Backbone)),
            ["train_defect_pcts"] = new JsonArray(runs.Select(r => r.TrainDefectPct).Distinct().Order().Select(v => (JsonNode?)v).ToArray()),
            ["seeds"] = new JsonArray(runs.Select(r => r.Seed).Distinct().Order().Select(v => (JsonNode?)v).ToArray()),
            ["machines"] = machines,
            ["numerics"] = new JsonObject
            {
                ["runs_checked"] = checkedRuns.Count,
                ["runs_without_check"] = runs.Count - checkedRuns.Count,
                ["failures"] = new JsonArray(failures),
                ["verdict"] = verdict,
            },
            ["last_finished_at"] = runs.Count == 0 ? null : runs.Max(r => r.FinishedAt).ToString("O", CultureInfo.InvariantCulture),
            ["source"] = source,
            ["unfinished_at_publication"] = Strings(unfinished),
            ["published_by_commit"] = EnvironmentReport.CodeCommit,
            ["files"] = sizes.Files,
            ["total_bytes"] = sizes.Total,
            ["distinct_bytes"] = sizes.Distinct,
            ["distinct_compressed_bytes"] = sizes.DistinctCompressed,
            ["time"] = new JsonObject
            {
                ["busy_wall_seconds"] = Math.Round(time.BusyWallSeconds, 1),
                ["processes"] = time.Processes,
                ["unended_processes"] = time.UnendedProcesses,
                ["all_runs"] = Phases(time.All),
                ["by_method"] = new JsonObject(time.ByMethod.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)Phases(m.Value)))),
            },
            ["notebook_grids"] = new JsonObject
            {
                ["runs"] = notebookGrids.Count,
                ["profiles"] = Strings(notebookGrids.Select(r => r.Profile)),
                ["code_commits"] = Strings(notebookGrids.Select(r => r.Environment.GetValueOrDefault("code_commit") ?? "unknown")),
            },
            ["run_list"] = new JsonArray(runs.OrderBy(r => Path.GetFileName(r.RunDirectory), StringComparer.Ordinal).Select(r => (JsonNode?)new JsonObject
            {
                ["name"] = Path.GetFileName(r.RunDirectory),
                ["method"] = r.Method, ["backbone"] = r.Backbone, ["train_defect_pct"] = r.TrainDefectPct, ["seed"] = r.Seed,
                ["status"] = r.Status.Name(), ["code_commit"] = r.Environment.GetValueOrDefault("code_commit"),
                ["finished_at"] = r.FinishedAt.ToString("O", CultureInfo.InvariantCulture),
            }).ToArray()),
        };
    }
}

/// <summary>
/// A published study as its readers see it (study.json and runs/): the folder, how many runs, the commit and profile they
/// were computed with. The notebooks show one when no local runs exist.
/// </summary>
public sealed record PublishedStudy(string Folder, int Runs, string? CodeCommit, string? Profile)
{
    /// <summary>The repository's reference study, relative to its root.</summary>
    public const string Committed = "results/standard";
    /// <summary>Names another published study for the notebooks to show.</summary>
    public const string EnvironmentVariable = "SSL_ANOMALY_STUDY";

    public string RunsFolder => Path.Combine(Folder, StudyPublisher.RunsFolder);

    /// <summary>Where the study keeps the notebooks' grids computed at <paramref name="profile"/> (it may hold none).</summary>
    public string NotebookGrids(string profile) => Path.Combine(Folder, StudyPublisher.NotebookGridsFolder, profile);

    /// <summary>The study in <paramref name="folder"/>, or null where the folder holds no study.json with runs beside it.</summary>
    public static PublishedStudy? TryRead(string folder)
    {
        var path = Path.Combine(folder, StudyPublisher.StudyFile);
        if (!File.Exists(path) || !Directory.Exists(Path.Combine(folder, StudyPublisher.RunsFolder))) return null;
        try
        {
            var study = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new UserInputException($"{path} is not a JSON object.");
            if (study["format"]?.GetValue<string>() != StudyPublisher.Format) throw new UserInputException($"{path} is not a study.json (format is not '{StudyPublisher.Format}').");
            return new PublishedStudy(Path.GetFullPath(folder), study["runs"]?.GetValue<int>() ?? 0, study["code_commit"]?.GetValue<string>(), study["profile"]?.GetValue<string>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"{path} is not a valid study.json: {e.Message}", e);
        }
    }

    /// <summary>Its finished runs, each on the split it is reported on (the held-out test split where scored).</summary>
    public IReadOnlyList<RunResult> ReadRuns() => RunResult.ReadAll(RunsFolder).Select(r => r.OnReportedSplit()).ToList();

    /// <summary>The commit as people quote it (12 hex digits), or "commits differ" when the runs were computed by several.</summary>
    public string ShortCommit => CodeCommit is { Length: > 12 } c ? c[..12] : CodeCommit ?? "commits differ";
}
