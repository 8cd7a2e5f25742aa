using System.Globalization;
using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;

namespace SslAnomaly.Reporting;

/// <summary>
/// Two sides of runs that differ in one thing (a precision, a machine, a code change), paired run by run (the same seed on
/// both sides), on the same images of one subset of a split: every scalar metric's difference B - A with its interval and
/// two-sided p. One pair is the image-level paired bootstrap (<see cref="PairedBootstrap"/>): it says whether these two
/// runs score differently on these images, not whether the change does. Several pairs combine their seeds with the
/// images' share of the error (<see cref="SeedStatistics.CompareWithFloor"/>), which is about the change.
/// </summary>
public static class RunComparison
{
    const string NeededFor = "a paired comparison needs each run's truth and predictions files";

    /// <summary>One compared metric: the difference B - A and its verdict, seen from side B.</summary>
    public sealed record Line(string Metric, double A, double B, double Difference, ConfidenceInterval Interval, double PValue, FloorVerdict Verdict, int Seeds)
    {
        /// <summary>"B higher", "B lower" or "cannot be told apart" at the interval's level.</summary>
        public string Words => Verdict switch { FloorVerdict.Better => "B higher", FloorVerdict.Worse => "B lower", _ => "cannot be told apart" };

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"{Metric}: A {A:F4}, B {B:F4}, B - A {Difference:+0.0000;-0.0000;0.0000} [{Interval.Low:+0.0000;-0.0000;0.0000}, {Interval.High:+0.0000;-0.0000;0.0000}], " +
            $"p {PValue:0.000}: {Words}");
    }

    public static IReadOnlyList<Line> Compare(IReadOnlyList<string> a, IReadOnlyList<string> b, SewerMlSplit split, string subset,
        IReadOnlyList<string> metrics, BootstrapOptions? options = null)
    {
        if (a.Count == 0 || a.Count != b.Count)
            throw new UserInputException($"--a names {a.Count} run(s) and --b {b.Count}: give the same number on each side, paired in order (the same seed on both).");
        foreach (var metric in metrics.Where(m => !DefectMetrics.ScalarNames.Contains(m)))
            throw new UserInputException($"--metrics: unknown metric '{metric}' (valid: {string.Join(", ", DefectMetrics.ScalarNames)}).");
        var pairs = new List<(EvaluationSet B, EvaluationSet A)>();
        for (int i = 0; i < a.Count; i++)
        {
            var (setA, imagesA) = Scores(a[i], split, subset);
            var (setB, imagesB) = Scores(b[i], split, subset);
            if (!imagesA.SequenceEqual(imagesB, StringComparer.Ordinal))
                throw new UserInputException($"{a[i]} and {b[i]} were scored on different images of {split.Id()} subset {subset}: only runs of the same data can be paired.");
            // Side B in the method's place, so that "better" means B higher.
            pairs.Add((setB, setA));
        }
        var compared = SeedStatistics.CompareWithFloor(pairs, sameImages: true, options);
        return [.. metrics.Select(m => compared[m]).Select(c =>
            new Line(c.Metric, c.Floor, c.Method, c.Difference, c.DifferenceInterval, c.PValue, c.Verdict, c.Seeds))];
    }

    static (EvaluationSet Set, IReadOnlyList<string> Images) Scores(string directory, SewerMlSplit split, string subset)
    {
        var run = RunResult.TryRead(directory) ?? throw new UserInputException($"{directory} holds no result.json: only finished runs can be compared.");
        if (!run.IsCompleted) throw new UserInputException($"{directory} is a failed run: there are no scores to compare.");
        if (!run.Scored(split)) throw new UserInputException($"{directory} was not scored on the {split.Id()} split.");
        var scores = RunScores.Read(run.On(split), NeededFor).Subset(subset)
            ?? throw new UserInputException($"{directory} has no {split.Id()} subset '{subset}' (its subsets: the validation grid's shares and natural).");
        return (scores.Set(), scores.Images);
    }
}
