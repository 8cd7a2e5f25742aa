using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>
/// A finished run's probe scores on one evaluated subset, read back from its folder: the predictions and truth files of
/// the split the run is read on (<see cref="RunResult.ScoredSplit"/>) and the subset's manifest. What a statistic that
/// resamples images needs, where result.json holds only the summary.
/// </summary>
public static class RunScores
{
    /// <summary>The subset's labels and scores as an evaluation set at the probe's threshold, with its images in row order;
    /// null when a file is missing (a reference row, or a run from before the files existed).</summary>
    public static (EvaluationSet Set, IReadOnlyList<string> Images)? Subset(RunResult run, string key)
    {
        if (run.Reference is not null || run.RunDirectory.Length == 0) return null;
        string truthPath = Path.Combine(run.RunDirectory, RunResult.TruthFile(run.ScoredSplit));
        string predictionsPath = Path.Combine(run.RunDirectory, RunResult.PredictionsFile(run.ScoredSplit));
        string manifestPath = Path.Combine(run.RunDirectory, RunResult.SubsetManifestFile(run.ScoredSplit, key));
        if (!File.Exists(truthPath) || !File.Exists(predictionsPath) || !File.Exists(manifestPath)) return null;
        var truth = TruthTable.Read(truthPath);
        var scores = PredictionCsv.Read(predictionsPath).AlignTo(truth.Filenames, Path.GetFileName(truthPath));
        var row = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < truth.Count; i++) row[truth.Filenames[i]] = i;
        // Unreadable images were left out of the features and so of the truth file: the subset is what was scored.
        var images = Manifest.Read(manifestPath).Filenames.Where(row.ContainsKey).ToList();
        var rows = images.Select(f => row[f]).ToArray();
        return (new EvaluationSet(truth.Truth.Select(rows), scores.Select(rows)), images);
    }
}
