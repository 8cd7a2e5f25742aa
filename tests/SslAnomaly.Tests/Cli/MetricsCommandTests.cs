using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SslAnomaly.Tests.Cli;

/// <summary>`ssl-anomaly metrics` end to end, against a from-scratch implementation of the published definition.</summary>
public class MetricsCommandTests
{
    static readonly string[] Codes = [.. SewerMlCodes.Codes];
    static readonly double[] Weights = [.. SewerMlCodes.ClassImportanceWeights];

    sealed record Reference(double F2Ciw, double F1Normal, double F1, double F2, double Precision, double Recall, double[] F2PerCode);

    /// <summary>
    /// The Sewer-ML evaluation written out with plain loops: threshold 0.5 (score &gt;= 0.5), per class
    /// Ng/Np/Nc, Np = 0 -> 1, F = NaN -> 0, F2_CIW = sum w F2 / sum w, normal = no class predicted/present.
    /// A binary model predicts every class exactly when it predicts defect.
    /// </summary>
    static Reference Compute(int[,] truth, double[,] scores)
    {
        int n = truth.GetLength(0);
        bool binary = scores.GetLength(1) == 1;
        bool Predicted(int i, int k) => (binary ? scores[i, 0] : scores[i, k]) >= 0.5;

        var f2 = new double[17];
        for (int k = 0; k < 17; k++)
        {
            double ng = 0, np = 0, nc = 0;
            for (int i = 0; i < n; i++)
            {
                if (truth[i, k] == 1) ng++;
                if (Predicted(i, k)) np++;
                if (truth[i, k] == 1 && Predicted(i, k)) nc++;
            }
            if (np == 0) np = 1;
            double p = nc / np, r = nc / ng;
            f2[k] = 5 * p * r / (4 * p + r);
            if (double.IsNaN(f2[k])) f2[k] = 0;
        }
        double weighted = 0, weightSum = 0;
        for (int k = 0; k < 17; k++) { weighted += Weights[k] * f2[k]; weightSum += Weights[k]; }

        double Fbeta(Func<int, bool> actual, Func<int, bool> predicted, double beta, out double precision, out double recall)
        {
            double ng = 0, np = 0, nc = 0;
            for (int i = 0; i < n; i++)
            {
                if (actual(i)) ng++;
                if (predicted(i)) np++;
                if (actual(i) && predicted(i)) nc++;
            }
            precision = np == 0 ? 0 : nc / np;
            recall = ng == 0 ? 0 : nc / ng;
            double f = (1 + beta * beta) * precision * recall / (beta * beta * precision + recall);
            return double.IsNaN(f) ? 0 : f;
        }
        bool AnyTrue(int i) { for (int k = 0; k < 17; k++) if (truth[i, k] == 1) return true; return false; }
        bool AnyPredicted(int i) { for (int k = 0; k < 17; k++) if (Predicted(i, k)) return true; return false; }

        double f1Normal = Fbeta(i => !AnyTrue(i), i => !AnyPredicted(i), 1, out _, out _);
        double f1 = Fbeta(AnyTrue, AnyPredicted, 1, out var precisionD, out var recallD);
        double f2D = Fbeta(AnyTrue, AnyPredicted, 2, out _, out _);
        return new Reference(weighted / weightSum, f1Normal, f1, f2D, precisionD, recallD, f2);
    }

    static (int[,] Truth, double[,] Scores) RandomData(int n, int scoreColumns, int seed)
    {
        var rng = new Random(seed);
        var truth = new int[n, 17];
        var scores = new double[n, scoreColumns];
        for (int i = 0; i < n; i++)
        {
            if (rng.NextDouble() < 0.45)
                for (int j = rng.Next(1, 4); j > 0; j--) truth[i, rng.Next(17)] = 1;
            truth[i, 8] = 0;  // AF never occurs: an absent class
            for (int k = 0; k < scoreColumns; k++)
            {
                int label = scoreColumns == 1 ? (Enumerable.Range(0, 17).Any(c => truth[i, c] == 1) ? 1 : 0) : truth[i, k];
                // Rounded to 2 decimals: ties and exact 0.5 scores occur.
                scores[i, k] = Math.Round(Math.Clamp(0.3 * label + rng.NextDouble() * 0.65, 0, 1), 2);
            }
        }
        return (truth, scores);
    }

    static string Name(int i) => $"{i + 1:D8}.png";

    /// <summary>Random labels and scores (<see cref="RandomData"/>) written as SewerML_Val.csv and predictions.csv in <paramref name="dir"/>.</summary>
    static (int[,] Truth, double[,] Scores) WriteRandomFiles(TempDir dir, int n, int scoreColumns, int seed)
    {
        var (truth, scores) = RandomData(n, scoreColumns, seed);
        WriteTruth(dir.File("SewerML_Val.csv"), truth);
        WritePredictions(dir.File("predictions.csv"), scores, seed);
        return (truth, scores);
    }

    /// <summary>`ssl-anomaly metrics` on two files of <paramref name="dir"/>, refused as bad input (exit 2); what it said.</summary>
    static string Refused(TempDir dir, string pred, string truth = "SewerML_Val.csv")
    {
        var run = CliProcess.Run("metrics", "--truth", dir.File(truth), "--pred", dir.File(pred));
        Assert.Equal(2, run.ExitCode);
        return run.Stderr;
    }

    /// <summary>SewerML_Val.csv-like: columns in a different order than the codes, plus the extra official columns.</summary>
    static void WriteTruth(string path, int[,] truth)
    {
        var columns = new[] { "Filename", "WaterLevel", "VA" }.Concat(Codes.Reverse()).Concat(["ND", "Defect"]).ToArray();
        var text = new StringBuilder(string.Join(',', columns) + "\n");
        for (int i = 0; i < truth.GetLength(0); i++)
        {
            bool defect = Enumerable.Range(0, 17).Any(k => truth[i, k] == 1);
            var values = columns.Select(c => c switch
            {
                "Filename" => Name(i),
                "WaterLevel" => "15",
                "VA" => "0",
                "ND" => defect ? "0" : "1",
                "Defect" => defect ? "1" : "0",
                _ => truth[i, SewerMlCodes.IndexOf(c)].ToString(CultureInfo.InvariantCulture),
            });
            text.Append(string.Join(',', values)).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Predictions in shuffled row order, with an extra column the reader must ignore.</summary>
    static void WritePredictions(string path, double[,] scores, int seed, IEnumerable<int>? rows = null)
    {
        bool binary = scores.GetLength(1) == 1;
        var header = binary ? new[] { "Filename", "model", "Defect" } : new[] { "Filename" }.Concat(Codes).Append("model").ToArray();
        var shuffled = (rows ?? Enumerable.Range(0, scores.GetLength(0))).OrderBy(i => (i * 7919 + seed) % 1009).ToArray();
        var text = new StringBuilder(string.Join(',', header) + "\r\n");
        foreach (var i in shuffled)
        {
            var values = header.Select((c, j) => c switch
            {
                "Filename" => Name(i),
                "model" => "\"resnet, v1\"",
                "Defect" => scores[i, 0].ToString("R", CultureInfo.InvariantCulture),
                _ => scores[i, SewerMlCodes.IndexOf(c)].ToString("R", CultureInfo.InvariantCulture),
            });
            text.Append(string.Join(',', values)).Append("\r\n");
        }
        File.WriteAllText(path, text.ToString());
    }

    [Theory]
    [InlineData(17, 1)]
    [InlineData(17, 2)]
    [InlineData(1, 3)]
    public void Json_output_agrees_with_the_published_definition(int scoreColumns, int seed)
    {
        using var dir = new TempDir();
        var (truth, scores) = WriteRandomFiles(dir, 700, scoreColumns, seed);

        var run = CliProcess.Run("metrics", "--truth", dir.File("SewerML_Val.csv"), "--pred", dir.File("predictions.csv"), "--json");

        Assert.True(run.ExitCode == 0, run.All);
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        var expected = Compute(truth, scores);
        Assert.Equal(expected.F2Ciw, json.GetProperty("f2_ciw").GetDouble(), 1e-9);
        Assert.Equal(expected.F1Normal, json.GetProperty("f1_normal").GetDouble(), 1e-9);
        Assert.Equal(expected.F1, json.GetProperty("f1").GetDouble(), 1e-9);
        Assert.Equal(expected.F2, json.GetProperty("f2").GetDouble(), 1e-9);
        Assert.Equal(expected.Precision, json.GetProperty("precision").GetDouble(), 1e-9);
        Assert.Equal(expected.Recall, json.GetProperty("recall").GetDouble(), 1e-9);
        for (int k = 0; k < 17; k++)
            Assert.Equal(expected.F2PerCode[k], json.GetProperty("f2_per_code").GetProperty(Codes[k]).GetDouble(), 1e-9);
        Assert.Equal(0, json.GetProperty("f2_per_code").GetProperty("AF").GetDouble());
        Assert.Equal(scoreColumns == 1 ? "binary" : "multi_label", json.GetProperty("prediction_kind").GetString());
        Assert.Equal(700, json.GetProperty("n").GetInt32());
        Assert.InRange(json.GetProperty("auroc").GetDouble(), 0.5, 1);
    }

    [Fact]
    public void Table_output_shows_the_official_metrics()
    {
        using var dir = new TempDir();
        var (truth, scores) = WriteRandomFiles(dir, 50, 17, 4);

        var run = CliProcess.Run("metrics", "--truth", dir.File("SewerML_Val.csv"), "--pred", dir.File("predictions.csv"));

        Assert.True(run.ExitCode == 0, run.All);
        var expected = Compute(truth, scores);
        Assert.Contains("F2_CIW", run.Stdout);
        Assert.Contains(expected.F2Ciw.ToString("F4", CultureInfo.InvariantCulture), run.Stdout);
        Assert.Contains(expected.F1Normal.ToString("F4", CultureInfo.InvariantCulture), run.Stdout);
        Assert.Contains("OK", run.Stdout);
    }

    [Fact]
    public void Missing_and_extra_filenames_are_named()
    {
        using var dir = new TempDir();
        var (truth, scores) = RandomData(20, 1, 5);
        WriteTruth(dir.File("SewerML_Val.csv"), truth);

        WritePredictions(dir.File("missing.csv"), scores, 5, rows: Enumerable.Range(0, 20).Where(i => i != 6));
        var missing = Refused(dir, "missing.csv");
        Assert.Contains("00000007.png", missing);
        Assert.Contains("no prediction for 1 image", missing);

        WritePredictions(dir.File("extra.csv"), scores, 5);
        File.AppendAllText(dir.File("extra.csv"), "99999999.png,m,0.5\r\n");
        Assert.Contains("99999999.png", Refused(dir, "extra.csv"));
    }

    [Fact]
    public void Bad_numbers_are_reported_with_file_line_and_column()
    {
        using var dir = new TempDir();
        WriteRandomFiles(dir, 5, 17, 6);
        var lines = File.ReadAllLines(dir.File("predictions.csv"));
        var fields = lines[3].Split(',');
        fields[1 + SewerMlCodes.IndexOf("FS")] = "abc";
        lines[3] = string.Join(',', fields);
        File.WriteAllLines(dir.File("predictions.csv"), lines);

        var run = CliProcess.Run("metrics", "--truth", dir.File("SewerML_Val.csv"), "--pred", dir.File("predictions.csv"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("predictions.csv line 4, column FS: 'abc' is not a number", run.Stderr);
        Assert.DoesNotContain("   at ", run.All);  // one line, no stack trace
    }

    [Fact]
    public void Prediction_files_with_quoted_line_breaks_parse_and_errors_keep_the_right_line()
    {
        using var dir = new TempDir();
        // pandas quotes a free-text column that holds a comma or a line break; the record then spans two lines.
        File.WriteAllText(dir.File("notes.csv"), "Filename,Note,Defect\r\n00000001.png,\"two\nlines, \"\"quoted\"\"\",0.9\r\n00000002.png,plain,0.2\r\n");
        var table = PredictionCsv.Read(dir.File("notes.csv"));
        Assert.Equal(["00000001.png", "00000002.png"], table.Filenames);

        File.WriteAllText(dir.File("bad.csv"), "Filename,Note,Defect\n00000001.png,\"two\nlines\",0.9\n00000002.png,plain,abc\n");
        var e = Assert.Throws<UserInputException>(() => PredictionCsv.Read(dir.File("bad.csv")));
        Assert.Contains("bad.csv line 4, column Defect", e.Message); // the second record starts on line 4
    }

    [Fact]
    public void Logits_and_missing_columns_are_rejected()
    {
        using var dir = new TempDir();
        var (truth, _) = RandomData(3, 1, 7);
        WriteTruth(dir.File("SewerML_Val.csv"), truth);
        File.WriteAllText(dir.File("logits.csv"), "Filename,Defect\n00000001.png,2.5\n00000002.png,0\n00000003.png,0\n");
        Assert.Contains("line 2, column Defect: 2.5 is not a probability", Refused(dir, "logits.csv"));

        File.WriteAllText(dir.File("partial.csv"), "Filename,RB,OB\n00000001.png,0.1,0.2\n");
        Assert.Contains("missing PF, DE", Refused(dir, "partial.csv"));

        File.WriteAllText(dir.File("bad-truth.csv"), "Filename,Defect\n00000001.png,1\n");
        Assert.Contains("missing required columns 'RB'", Refused(dir, "logits.csv", truth: "bad-truth.csv"));
    }

    [Fact]
    public void Probe_predictions_written_by_the_library_score_the_same_through_the_cli()
    {
        using var dir = new TempDir();
        var (truth, scores) = RandomData(300, 1, 8);
        var masks = Enumerable.Range(0, 300).Select(i => Enumerable.Range(0, 17).Where(k => truth[i, k] == 1).Aggregate(0, (m, k) => m | 1 << k)).ToArray();
        var probabilities = Enumerable.Range(0, 300).Select(i => scores[i, 0]).ToArray();
        WriteTruth(dir.File("SewerML_Val.csv"), truth);
        PredictionCsv.WriteBinary(dir.File("probe.csv"), Enumerable.Range(0, 300).Select(Name).ToArray(), probabilities);

        var inProcess = DefectMetrics.Compute(GroundTruth.FromCodeMasks(masks), DefectScores.Binary(probabilities));
        var run = CliProcess.Run("metrics", "--truth", dir.File("SewerML_Val.csv"), "--pred", dir.File("probe.csv"), "--json");

        Assert.True(run.ExitCode == 0, run.All);
        var json = JsonDocument.Parse(run.Stdout).RootElement;
        foreach (var name in DefectMetrics.ScalarNames)
            Assert.Equal(inProcess.Scalar(name), json.GetProperty(name).GetDouble());
    }
}
