using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SslAnomaly.Tests.Analysis;

/// <summary>
/// Run folders as a finished run leaves them (result.json, config.json, metrics.csv, predictions, truth, manifests),
/// with values chosen by the test, so the analysis is checked against known answers without training anything.
/// </summary>
public static class FakeRunFolders
{
    static readonly string Sha = new('a', 64);

    /// <summary>200 images, every other one a defect: the labels the floor tests' fake runs share.</summary>
    public static readonly bool[] Labels = Enumerable.Range(0, 200).Select(i => i % 2 == 0).ToArray();
    /// <summary>Scores that ignore the label (a floor at chance) and scores that separate the classes.</summary>
    public static readonly double[] Chance = Labels.Select((_, i) => (i * 37 % 100) / 100.0).ToArray();
    public static readonly double[] Separating = Labels.Select(l => l ? 0.9 : 0.1).ToArray();

    /// <summary>One epoch's monitor values (curve name -> value), its probe F1 on the natural split, and its mean loss.</summary>
    public sealed record Epoch(IReadOnlyDictionary<string, double> Curves, double ProbeF1Natural, double Loss);

    /// <summary>
    /// A held-out test split for a fake run: its probe F1 in result.json (test_metrics; F1 at 5 % is half, as on validation)
    /// and the scores and labels that predictions-test.csv and truth-test.csv hold.
    /// </summary>
    public sealed record TestSplit(double F1Natural, double[] Scores, bool[] Labels);

    public static string Write(string root, string method, string backbone, double pct, IReadOnlyList<Epoch> epochs,
        double? temperature = null, int seed = 0, double[]? valScores = null, bool[]? valLabels = null, bool probedEveryEpoch = true,
        TestSplit? test = null, string? name = null)
    {
        name ??= $"{method}-{backbone}-{pct.ToString(CultureInfo.InvariantCulture)}{(temperature is { } t ? $"-t{t.ToString(CultureInfo.InvariantCulture)}" : "")}-s{seed}";
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(Path.Combine(dir, "manifests"));
        double finalF1 = epochs[^1].ProbeF1Natural;
        var metrics = new Dictionary<string, object>
        {
            ["natural"] = new { f1 = finalF1, precision = finalF1, recall = finalF1 },
            ["5"] = new { f1 = finalF1 / 2, precision = finalF1 / 2, recall = finalF1 },
        };
        File.WriteAllText(Path.Combine(dir, "result.json"), JsonSerializer.Serialize(new
        {
            status = "completed", method, backbone, resolution = 32, train_defect_pct = pct, seed, manifest_sha256 = "abc",
            rankme = epochs[^1].Curves.GetValueOrDefault("rankme/backbone", 1.0), metrics,
            test_metrics = test is null ? null : new Dictionary<string, object>
            {
                ["natural"] = new { f1 = test.F1Natural, precision = test.F1Natural, recall = test.F1Natural },
                ["5"] = new { f1 = test.F1Natural / 2, precision = test.F1Natural / 2, recall = test.F1Natural },
            },
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
        File.WriteAllText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(new
        {
            method, backbone, train_defect_pct = pct, seed, epochs = epochs.Count,
            method_params = temperature is { } tt ? new Dictionary<string, double> { ["temperature"] = tt } : new Dictionary<string, double>(),
        }));

        var csv = new StringBuilder("step,name,value\n");
        for (int e = 0; e < epochs.Count; e++)
        {
            long step = 10L * (e + 1);
            for (long s = step - 9; s <= step; s++) csv.AppendLine(FormattableString.Invariant($"{s},train/loss,{epochs[e].Loss}"));
            foreach (var (curve, value) in epochs[e].Curves) csv.AppendLine(FormattableString.Invariant($"{step},{curve},{value}"));
            if (probedEveryEpoch)
            {
                csv.AppendLine(FormattableString.Invariant($"{step},probe/f1/natural,{epochs[e].ProbeF1Natural}"));
                csv.AppendLine(FormattableString.Invariant($"{step},probe/f1/5,{epochs[e].ProbeF1Natural / 2}"));
            }
        }
        File.WriteAllText(Path.Combine(dir, "metrics.csv"), csv.ToString());

        // Validation predictions: 200 images, 10 % defects unless the test gives its own; subsets "natural" (all) and "5".
        valLabels ??= Enumerable.Range(0, 200).Select(i => i % 10 == 0).ToArray();
        valScores ??= valLabels.Select((l, i) => l ? 0.6 + 0.3 * (i % 7) / 7.0 : 0.1 + 0.5 * (i % 11) / 11.0).ToArray();
        WriteSplit(dir, SewerMlSplit.Val, "V", valScores, valLabels);
        if (test is not null) WriteSplit(dir, SewerMlSplit.Test, "X", test.Scores, test.Labels);

        // The probe set: 100 images at 20 % defects, scored so that F2 peaks at a known threshold (0.4).
        var probeFiles = Enumerable.Range(0, 100).Select(i => $"T{i:D7}.png").ToArray();
        var probeLabels = Enumerable.Range(0, 100).Select(i => i % 5 == 0).ToArray();
        var probeScores = probeLabels.Select((l, i) => l ? 0.4 + 0.5 * (i % 3) / 3.0 : 0.05 + 0.3 * (i % 13) / 13.0).ToArray();
        PredictionCsv.WriteBinary(Path.Combine(dir, "predictions-probe.csv"), probeFiles, probeScores);
        new Manifest("probe", SewerMlSplit.Train, 20, 1, "SewerML_Train.csv", Sha, probeFiles, probeLabels).Write(Path.Combine(dir, "manifests", "probe-20.json"));
        return dir;
    }

    /// <summary>A scored split's predictions, truth and subset manifests ("natural": all images; "5": every normal and few defects).</summary>
    static void WriteSplit(string dir, SewerMlSplit split, string prefix, double[] scores, bool[] labels)
    {
        string id = split.Id(), csvName = split == SewerMlSplit.Test ? "SewerML_Test.csv" : "SewerML_Val.csv";
        var files = labels.Select((_, i) => $"{prefix}{i:D7}.png").ToArray();
        PredictionCsv.WriteBinary(Path.Combine(dir, RunResult.PredictionsFile(split)), files, scores);
        File.WriteAllText(Path.Combine(dir, RunResult.TruthFile(split)), SewerMlCsv.Format(files.Select((f, i) =>
            new SewerMlCsv.Row(f, SewerMlCodes.Codes.Select((_, k) => labels[i] && k == 0).ToArray(), false, 0))));
        new Manifest($"{id}-natural", split, null, 1, csvName, Sha, files, labels).Write(Path.Combine(dir, RunResult.SubsetManifestFile(split, "natural")));
        var five = Enumerable.Range(0, files.Length).Where(i => !labels[i] || i % 40 == 0).ToArray();
        new Manifest($"{id}-5", split, 5, 1, csvName, Sha, five.Select(i => files[i]).ToList(), five.Select(i => labels[i]).ToList())
            .Write(Path.Combine(dir, RunResult.SubsetManifestFile(split, "5")));
    }

    /// <summary>Monitor values of every label-free curve on both feature spaces, all set from <paramref name="value"/>.</summary>
    public static Dictionary<string, double> Curves(double value, double? lidar = null)
    {
        var curves = new Dictionary<string, double>();
        foreach (var space in new[] { "backbone", "projector" })
        {
            curves[$"rankme/{space}"] = value;
            foreach (var key in new[] { "alpha_req", "nesum", "effective_rank", "alignment", "uniformity", "knn_agreement" })
                curves[$"labelfree/{key}/{space}"] = value;
            curves[$"labelfree/lidar/{space}"] = lidar ?? value;
        }
        return curves;
    }
}
