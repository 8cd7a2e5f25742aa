using System.Collections.Concurrent;
using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;

namespace SslAnomaly.Reporting;

/// <summary>
/// Completed runs against the random-init floor of their backbone (same train share, probe share, seed and resolution),
/// on the same images of the split the runs are read on (<see cref="RunResult.ScoredSplit"/>): the run folders'
/// predictions and truth files of that split and its subset manifests. A cell whose runs differ only in their seeds is
/// compared over every seed at once (<see cref="SeedStatistics.CompareWithFloor"/>: the training runs' spread and the images' share of the error together). Runs without a
/// floor, or written before truth-val.csv existed, have none.
/// </summary>
public sealed class FloorComparisons
{
    /// <summary>A run and the floor of its seed, scored on the same images of each compared subset.</summary>
    sealed record SeedPair(RunResult Run, RunResult Floor, IReadOnlyDictionary<string, PairedSubset> BySubset);

    /// <summary>Both models on one evaluated subset, and its images in row order.</summary>
    sealed record PairedSubset(EvaluationSet Method, EvaluationSet Floor, IReadOnlyList<string> Images);

    readonly Dictionary<string, SeedPair> _byRun;
    readonly BootstrapOptions? _options;
    readonly ConcurrentDictionary<(string Cell, string ValKey), IReadOnlyDictionary<string, PairedComparison>> _compared = new();

    FloorComparisons(Dictionary<string, SeedPair> byRun, BootstrapOptions? options) => (_byRun, _options) = (byRun, options);

    public static readonly FloorComparisons None = new([], null);

    /// <summary>How many runs have a floor to be compared with.</summary>
    public int Count => _byRun.Count;

    /// <param name="validationKeys">The validation subsets to compare on; null: every subset both runs were scored on.</param>
    public static FloorComparisons Compute(IReadOnlyList<RunResult> runs, BootstrapOptions? options = null, TextWriter? warnings = null,
        IReadOnlyCollection<string>? validationKeys = null)
    {
        var completed = runs.Where(r => r.IsCompleted && r.Reference is null).ToList();
        var floors = completed.Where(r => MethodRegistry.KindOf(r.Method) == MethodKind.Floor)
            .GroupBy(FloorKey).ToDictionary(g => g.Key, g => g.First());
        var byRun = new Dictionary<string, SeedPair>(StringComparer.Ordinal);
        var floorScores = new Dictionary<string, RunScores>(StringComparer.Ordinal);
        foreach (var run in completed.Where(r => MethodRegistry.KindOf(r.Method) != MethodKind.Floor))
        {
            if (!floors.TryGetValue(FloorKey(run), out var floor)) continue;
            try
            {
                if (!floorScores.TryGetValue(floor.RunDirectory, out var floorScored))
                    floorScores[floor.RunDirectory] = floorScored = RunScores.Read(floor, NeededFor);
                var subsets = Subsets(run, RunScores.Read(run, NeededFor), floor, floorScored, validationKeys);
                if (subsets.Count > 0) byRun[run.RunDirectory] = new SeedPair(run, floor, subsets);
            }
            catch (Exception e) when (e is UserInputException or IOException)
            {
                warnings?.WriteLine($"warning: {run.RunDirectory} not compared with its floor: {e.Message}");
            }
        }
        return new FloorComparisons(byRun, options);
    }

    /// <summary>
    /// The comparisons of <paramref name="runs"/> at <paramref name="validationKeys"/> x <paramref name="metrics"/>, judged
    /// together: one test per cell (its seeds together), subset and metric, with one Benjamini-Hochberg q each over exactly
    /// these tests (what a table or figure shows at once, named by <paramref name="name"/> in its legend). Runs without a
    /// floor comparison are not part of the family; a cell with a run that has none is left out whole, since a verdict over
    /// every seed cannot be given then.
    /// </summary>
    public FloorFamily Family(string name, IEnumerable<RunResult> runs, IEnumerable<string> validationKeys, IEnumerable<string> metrics)
    {
        var keys = validationKeys.ToList();
        var names = metrics.ToList();
        var found = new List<(IReadOnlyList<SeedPair> Cell, string Key, PairedComparison Comparison)>();
        foreach (var cell in Cells(runs.DistinctBy(r => r.RunDirectory)))
            foreach (var key in keys)
            {
                if (cell.Any(r => !_byRun.TryGetValue(r.RunDirectory, out var pair) || !pair.BySubset.ContainsKey(key))) continue;
                var pairs = cell.Select(r => _byRun[r.RunDirectory]).ToList();
                var byMetric = Compare(pairs, key);
                found.AddRange(names.Where(byMetric.ContainsKey).Select(metric => ((IReadOnlyList<SeedPair>)pairs, key, byMetric[metric])));
            }
        var q = BenjaminiHochberg.QValues(found.Select(x => x.Comparison.PValue).ToList());
        return new FloorFamily(name, found.Select((x, i) =>
            new FloorTest(x.Cell.Select(p => p.Run).ToList(), x.Cell.Select(p => p.Floor).ToList(), x.Key, x.Comparison, q[i])).ToList());
    }

    /// <summary>
    /// The runs that are one cell's seeds: the same method, backbone, shares, resolution and profile, each with a seed of
    /// its own. Where a seed repeats (variants of a recipe run side by side), each run is a cell of its own: pooling
    /// variants would test the recipes' average, not a method.
    /// </summary>
    static IEnumerable<IReadOnlyList<RunResult>> Cells(IEnumerable<RunResult> runs)
    {
        foreach (var group in runs.GroupBy(r => (r.Method, r.Backbone, r.TrainDefectPct, r.ProbeDefectPct, r.Resolution, r.Profile, r.ScoredSplit)))
        {
            var cell = group.OrderBy(r => r.Seed).ThenBy(r => r.RunDirectory, StringComparer.Ordinal).ToList();
            if (cell.Select(r => r.Seed).Distinct().Count() == cell.Count) yield return cell;
            else foreach (var run in cell) yield return [run];
        }
    }

    IReadOnlyDictionary<string, PairedComparison> Compare(IReadOnlyList<SeedPair> cell, string key) =>
        _compared.GetOrAdd((string.Join("\n", cell.Select(p => p.Run.RunDirectory)), key), _ =>
        {
            var subsets = cell.Select(p => p.BySubset[key]).ToList();
            bool sameImages = subsets.All(s => s.Images.SequenceEqual(subsets[0].Images, StringComparer.Ordinal));
            return SeedStatistics.CompareWithFloor(subsets.Select(s => (s.Method, s.Floor)).ToList(), sameImages, _options);
        });

    static (string, double, double, int, int) FloorKey(RunResult r) => (r.Backbone, r.TrainDefectPct, r.ProbeDefectPct, r.Seed, r.Resolution);

    const string NeededFor = "floor comparisons need every run's truth and predictions files (a run from before they existed?)";

    /// <summary>Both runs' scores on every validation subset both were scored on (of <paramref name="validationKeys"/>, where
    /// given), on the same images.</summary>
    static IReadOnlyDictionary<string, PairedSubset> Subsets(RunResult run, RunScores runScores, RunResult floor, RunScores floorScores,
        IReadOnlyCollection<string>? validationKeys)
    {
        if (floor.ScoredSplit != run.ScoredSplit) throw new ArgumentException("a run and its floor are compared on one split", nameof(floor));
        var result = new Dictionary<string, PairedSubset>();
        foreach (var key in run.Metrics.Keys.Where(k => floor.Metrics.ContainsKey(k) && (validationKeys?.Contains(k) ?? true)))
        {
            if (runScores.Subset(key) is not { } method || floorScores.Subset(key) is not { } baseline) continue;
            if (!method.Images.SequenceEqual(baseline.Images, StringComparer.Ordinal))
                throw new UserInputException($"{run.RunDirectory} and its floor {floor.RunDirectory} were scored on different images of subset {key}.");
            result[key] = new PairedSubset(method.Set(), baseline.Set(), method.Images);
        }
        return result;
    }
}
