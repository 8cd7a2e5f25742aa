using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>One evaluated subset of a run: its labels and probe scores, with its images in row order.</summary>
public sealed record SubsetScores(GroundTruth Truth, DefectScores Scores, IReadOnlyList<string> Images)
{
    /// <summary>The subset as an evaluation set at the probe's threshold.</summary>
    public EvaluationSet Set() => new(Truth, Scores);
}

/// <summary>
/// A finished run's probe scores, read back from its folder once: the predictions and truth files of the split the run is
/// read on (<see cref="RunResult.ScoredSplit"/>), and per evaluated subset its manifest. What a statistic that resamples
/// images needs, where result.json holds only the summary.
/// </summary>
public sealed class RunScores
{
    readonly string _directory;
    readonly SewerMlSplit _split;
    readonly GroundTruth _truth;
    readonly DefectScores _scores;
    readonly Dictionary<string, int> _rowOf;

    RunScores(string directory, SewerMlSplit split, IReadOnlyList<string> filenames, GroundTruth truth, DefectScores scores)
    {
        (_directory, _split, _truth, _scores) = (directory, split, truth, scores);
        _rowOf = new Dictionary<string, int>(filenames.Count, StringComparer.Ordinal);
        for (int i = 0; i < filenames.Count; i++) _rowOf[filenames[i]] = i;
    }

    /// <summary>The run's scores; null when a file is missing (a reference row, or a run from before the files existed).</summary>
    public static RunScores? TryRead(RunResult run) =>
        run.Reference is not null || run.RunDirectory.Length == 0 || MissingFile(run) is not null ? null : ReadFiles(run);

    /// <summary>The run's scores, or a <see cref="UserInputException"/> naming the missing file and <paramref name="neededFor"/>.</summary>
    public static RunScores Read(RunResult run, string neededFor) =>
        MissingFile(run) is { } missing ? throw new UserInputException($"{missing} does not exist: {neededFor}.") : ReadFiles(run);

    /// <summary>The subset <paramref name="key"/> of a run read once for it; null as for <see cref="TryRead"/> or <see cref="Subset(string)"/>.</summary>
    public static SubsetScores? Subset(RunResult run, string key) => TryRead(run)?.Subset(key);

    /// <summary>The subset <paramref name="key"/>; null when the run has no manifest for it. Unreadable images were left out
    /// of the features and so of the truth file: the subset is what was scored.</summary>
    public SubsetScores? Subset(string key)
    {
        var manifestPath = Path.Combine(_directory, RunResult.SubsetManifestFile(_split, key));
        if (!File.Exists(manifestPath)) return null;
        var images = Manifest.Read(manifestPath).Filenames.Where(_rowOf.ContainsKey).ToList();
        var rows = images.Select(f => _rowOf[f]).ToArray();
        return new SubsetScores(_truth.Select(rows), _scores.Select(rows), images);
    }

    static string? MissingFile(RunResult run) =>
        new[] { RunResult.TruthFile(run.ScoredSplit), RunResult.PredictionsFile(run.ScoredSplit) }
            .Select(name => Path.Combine(run.RunDirectory, name)).FirstOrDefault(path => !File.Exists(path));

    static RunScores ReadFiles(RunResult run)
    {
        string truthPath = Path.Combine(run.RunDirectory, RunResult.TruthFile(run.ScoredSplit));
        var truth = TruthTable.Read(truthPath);
        var scores = PredictionCsv.Read(Path.Combine(run.RunDirectory, RunResult.PredictionsFile(run.ScoredSplit)))
            .AlignTo(truth.Filenames, Path.GetFileName(truthPath));
        return new RunScores(run.RunDirectory, run.ScoredSplit, truth.Filenames, truth.Truth, scores);
    }
}
