using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;

namespace SslAnomaly.Reporting;

/// <summary>
/// Each completed run against the random-init floor of its backbone (same train share, probe share, seed and
/// resolution), by <see cref="PairedBootstrap"/> on the same images of the split the runs are read on
/// (<see cref="RunResult.ScoredSplit"/>): the run folders' predictions and truth files of that split and its subset
/// manifests. Runs without a floor, or written before truth-val.csv existed, have none.
/// </summary>
public sealed class FloorComparisons
{
    readonly Dictionary<(string RunDirectory, string ValKey), (RunResult Floor, IReadOnlyDictionary<string, PairedComparison> ByMetric)> _byRun;

    FloorComparisons(Dictionary<(string, string), (RunResult, IReadOnlyDictionary<string, PairedComparison>)> byRun) => _byRun = byRun;

    public static readonly FloorComparisons None = new([]);

    public int Count => _byRun.Count;

    /// <param name="validationKeys">The validation subsets to compare on; null: every subset both runs were scored on.</param>
    public static FloorComparisons Compute(IReadOnlyList<RunResult> runs, BootstrapOptions? options = null, TextWriter? warnings = null,
        IReadOnlyCollection<string>? validationKeys = null)
    {
        var completed = runs.Where(r => r.IsCompleted && r.Reference is null).ToList();
        var floors = completed.Where(r => MethodRegistry.KindOf(r.Method) == MethodKind.Floor)
            .GroupBy(FloorKey).ToDictionary(g => g.Key, g => g.First());
        var byRun = new Dictionary<(string, string), (RunResult, IReadOnlyDictionary<string, PairedComparison>)>();
        foreach (var run in completed.Where(r => MethodRegistry.KindOf(r.Method) != MethodKind.Floor))
        {
            if (!floors.TryGetValue(FloorKey(run), out var floor)) continue;
            try
            {
                foreach (var (key, comparison) in Compare(run, floor, options, validationKeys))
                    byRun[(run.RunDirectory, key)] = (floor, comparison);
            }
            catch (Exception e) when (e is UserInputException or IOException)
            {
                warnings?.WriteLine($"warning: {run.RunDirectory} not compared with its floor: {e.Message}");
            }
        }
        return new FloorComparisons(byRun);
    }

    /// <summary>The comparison of one run's metric at one validation share with its floor, or null.</summary>
    public PairedComparison? Of(RunResult run, string valKey, string metric) =>
        _byRun.TryGetValue((run.RunDirectory, valKey), out var all) && all.ByMetric.TryGetValue(metric, out var c) ? c : null;

    /// <summary>
    /// The comparisons of <paramref name="runs"/> at <paramref name="validationKeys"/> x <paramref name="metrics"/>, judged
    /// together: one Benjamini-Hochberg q each over exactly these tests (what a table or figure shows at once, named by
    /// <paramref name="name"/> in its legend). Runs without a floor comparison are not part of the family.
    /// </summary>
    public FloorFamily Family(string name, IEnumerable<RunResult> runs, IEnumerable<string> validationKeys, IEnumerable<string> metrics)
    {
        var keys = validationKeys.ToList();
        var names = metrics.ToList();
        var found = runs.DistinctBy(r => r.RunDirectory)
            .SelectMany(run => keys.Select(key => (Run: run, Key: key)))
            .Where(x => _byRun.ContainsKey((x.Run.RunDirectory, x.Key)))
            .SelectMany(x => names.Select(metric => (x.Run, x.Key, Floor: _byRun[(x.Run.RunDirectory, x.Key)].Floor, Comparison: Of(x.Run, x.Key, metric))))
            .Where(x => x.Comparison is not null).ToList();
        var q = BenjaminiHochberg.QValues(found.Select(x => x.Comparison!.PValue).ToList());
        return new FloorFamily(name, found.Select((x, i) => new FloorTest(x.Run, x.Floor, x.Key, x.Comparison!, q[i])).ToList());
    }

    static (string, double, double, int, int) FloorKey(RunResult r) => (r.Backbone, r.TrainDefectPct, r.ProbeDefectPct, r.Seed, r.Resolution);

    /// <summary>Paired comparisons for every validation subset both runs were scored on (of <paramref name="validationKeys"/>, where given).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, PairedComparison>> Compare(RunResult run, RunResult floor, BootstrapOptions? options = null,
        IReadOnlyCollection<string>? validationKeys = null)
    {
        if (floor.ScoredSplit != run.ScoredSplit) throw new ArgumentException("a run and its floor are compared on one split", nameof(floor));
        var split = run.ScoredSplit;
        string truthFile = RunResult.TruthFile(split), predictionsFile = RunResult.PredictionsFile(split);
        var truth = TruthTable.Read(RunFile(run, truthFile));
        var method = PredictionCsv.Read(RunFile(run, predictionsFile)).AlignTo(truth.Filenames);
        var baseline = PredictionCsv.Read(RunFile(floor, predictionsFile)).AlignTo(truth.Filenames, $"{run.RunDirectory}/{truthFile}");
        var row = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < truth.Count; i++) row[truth.Filenames[i]] = i;
        var result = new Dictionary<string, IReadOnlyDictionary<string, PairedComparison>>();
        foreach (var key in run.Metrics.Keys.Where(k => floor.Metrics.ContainsKey(k) && (validationKeys?.Contains(k) ?? true)))
        {
            var manifestPath = Path.Combine(run.RunDirectory, RunResult.SubsetManifestFile(split, key));
            if (!File.Exists(manifestPath)) continue;
            var rows = Manifest.Read(manifestPath).Filenames.Select(f => row.TryGetValue(f, out var i) ? i
                : throw new UserInputException($"{manifestPath}: {f} is not in {truthFile}")).ToArray();
            result[key] = PairedBootstrap.Compare(truth.Truth.Select(rows), method.Select(rows), baseline.Select(rows), options);
        }
        return result;
    }

    static string RunFile(RunResult run, string name)
    {
        var path = Path.Combine(run.RunDirectory, name);
        return File.Exists(path) ? path : throw new UserInputException($"{path} does not exist (a run from before floor comparisons).");
    }
}
