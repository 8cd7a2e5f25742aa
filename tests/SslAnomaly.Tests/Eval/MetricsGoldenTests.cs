using System.Text.Json;

namespace SslAnomaly.Tests.Eval;

/// <summary>Metrics against scikit-learn and a numpy port of the official Sewer-ML evaluation (tests/fixtures/gen_eval.py).</summary>
public class MetricsGoldenTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-12;

    public static TheoryData<string> BinaryCases() =>
        new(Fixtures.Json("eval/metrics_binary.json").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_metrics_match_sklearn(string name)
    {
        var c = Fixtures.Json("eval/metrics_binary.json").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var labels = c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32() == 1).ToArray();
        var scores = Fixtures.Doubles(c.GetProperty("scores"));

        var m = DefectMetrics.Compute(new GroundTruth(labels), DefectScores.Binary(scores));

        output.WriteLine($"max |deviation| {new[] { Math.Abs(c.GetProperty("f1").GetDouble() - m.F1), Math.Abs(c.GetProperty("f2").GetDouble() - m.F2),
            Math.Abs(c.GetProperty("f1_normal").GetDouble() - m.F1Normal), Math.Abs(c.GetProperty("precision").GetDouble() - m.Precision),
            Math.Abs(c.GetProperty("recall").GetDouble() - m.Recall),
            c.GetProperty("auroc").ValueKind == JsonValueKind.Null ? 0 : Math.Abs(c.GetProperty("auroc").GetDouble() - m.Auroc),
            c.GetProperty("auprc").ValueKind == JsonValueKind.Null ? 0 : Math.Abs(c.GetProperty("auprc").GetDouble() - m.Auprc) }.Max():E2}");
        Assert.Equal(c.GetProperty("precision").GetDouble(), m.Precision, Tolerance);
        Assert.Equal(c.GetProperty("recall").GetDouble(), m.Recall, Tolerance);
        Assert.Equal(c.GetProperty("f1").GetDouble(), m.F1, Tolerance);
        Assert.Equal(c.GetProperty("f2").GetDouble(), m.F2, Tolerance);
        Assert.Equal(c.GetProperty("f1_normal").GetDouble(), m.F1Normal, Tolerance);
        AssertOptional(c.GetProperty("auroc"), m.Auroc);
        AssertOptional(c.GetProperty("auprc"), m.Auprc);
        Assert.True(double.IsNaN(m.F2Ciw), "F2_CIW needs code labels");
    }

    [Theory]
    [InlineData("multilabel")]
    [InlineData("binary")]
    public void Official_F2_CIW_and_F1_Normal_match_the_numpy_port(string name)
    {
        var c = Fixtures.Json("eval/metrics_sewer.json").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var truth = GroundTruth.FromCodeMasks(c.GetProperty("truth").EnumerateArray()
            .Select(row => GroundTruth.CodeMask(row.EnumerateArray().Select(v => v.GetInt32() == 1).ToArray())).ToArray());
        var scores = name == "binary"
            ? DefectScores.Binary(Fixtures.Doubles(c.GetProperty("defect_scores")))
            : DefectScores.MultiLabel(Matrix(c.GetProperty("scores")));

        var m = DefectMetrics.Compute(truth, scores);

        Assert.Equal(c.GetProperty("f2_ciw").GetDouble(), m.F2Ciw, Tolerance);
        Assert.Equal(c.GetProperty("f1_normal").GetDouble(), m.F1Normal, Tolerance);
        var expected = Fixtures.Doubles(c.GetProperty("f2_per_class"));
        output.WriteLine($"max |deviation| {expected.Select((e, k) => Math.Abs(e - m.F2PerCode[k])).Append(Math.Abs(c.GetProperty("f2_ciw").GetDouble() - m.F2Ciw))
            .Append(Math.Abs(c.GetProperty("f1_normal").GetDouble() - m.F1Normal)).Max():E2}");
        Assert.Equal(expected.Length, m.F2PerCode.Count);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], m.F2PerCode[k], Tolerance);
    }

    static void AssertOptional(JsonElement expected, double actual)
    {
        if (expected.ValueKind == JsonValueKind.Null) Assert.True(double.IsNaN(actual), $"expected undefined, got {actual}");
        else Assert.Equal(expected.GetDouble(), actual, Tolerance);
    }

    internal static double[,] Matrix(JsonElement rows)
    {
        var list = rows.EnumerateArray().Select(Fixtures.Doubles).ToList();
        var m = new double[list.Count, list[0].Length];
        for (int i = 0; i < list.Count; i++)
            for (int j = 0; j < list[i].Length; j++) m[i, j] = list[i][j];
        return m;
    }
}
