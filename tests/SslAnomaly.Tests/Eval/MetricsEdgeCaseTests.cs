namespace SslAnomaly.Tests.Eval;

/// <summary>Hand-computed cases where a metric is undefined or a class is missing.</summary>
public class MetricsEdgeCaseTests
{
    static int Code(string code) => 1 << SewerMlCodes.IndexOf(code);

    [Fact]
    public void Nothing_predicted_positive_gives_zero_defect_scores_and_counts_normals()
    {
        // 2 defects, 3 normals, every score below 0.5: all predicted normal.
        var truth = GroundTruth.FromCodeMasks([Code("RB"), Code("OB"), 0, 0, 0]);
        var m = DefectMetrics.Compute(truth, DefectScores.Binary([0.1, 0.49, 0.2, 0.3, 0.0]));

        Assert.Equal(0, m.Precision);
        Assert.Equal(0, m.Recall);
        Assert.Equal(0, m.F1);
        Assert.Equal(0, m.F2);
        Assert.Equal(0, m.F2Ciw);  // every code: no predicted positives -> P = 0 -> F2 = 0
        // Normal: TP 3, FP 2, FN 0 -> P = 3/5, R = 1, F1 = 2 * 0.6 / 1.6 = 0.75.
        Assert.Equal(0.75, m.F1Normal, 1e-15);
    }

    [Fact]
    public void No_positives_present_gives_zero_recall_and_undefined_ranking_metrics()
    {
        var truth = GroundTruth.FromCodeMasks([0, 0, 0, 0]);
        var m = DefectMetrics.Compute(truth, DefectScores.Binary([0.9, 0.1, 0.6, 0.2]));

        Assert.Equal(0, m.Recall);
        Assert.Equal(0, m.Precision);  // 2 predicted, none correct
        Assert.Equal(0, m.F1);
        Assert.Equal(0, m.F2Ciw);      // Ng = 0 for every code
        Assert.True(double.IsNaN(m.Auroc));
        Assert.True(double.IsNaN(m.Auprc));
        // Normal: TP 2, FP 0, FN 2 -> P = 1, R = 0.5, F1 = 2/3.
        Assert.Equal(2.0 / 3, m.F1Normal, 1e-15);
    }

    [Fact]
    public void A_code_absent_from_the_split_scores_zero_but_keeps_its_weight()
    {
        // Only RB occurs; the model is perfect on the defect decision.
        var truth = GroundTruth.FromCodeMasks([Code("RB"), Code("RB"), 0, 0]);
        var m = DefectMetrics.Compute(truth, DefectScores.Binary([0.9, 0.8, 0.1, 0.2]));

        Assert.Equal(1, m.F1);
        Assert.Equal(1, m.F2PerCode[SewerMlCodes.IndexOf("RB")]);
        Assert.All(Enumerable.Range(0, 17).Where(k => k != SewerMlCodes.IndexOf("RB")), k => Assert.Equal(0, m.F2PerCode[k]));
        // F2_CIW = w_RB * 1 / sum(w): the 16 absent codes dilute it.
        Assert.Equal(1.0 / SewerMlCodes.ClassImportanceWeights.Sum(), m.F2Ciw, 1e-15);
        Assert.Equal(1, m.F1Normal);
    }

    [Fact]
    public void Binary_model_counts_every_code_as_predicted_with_defect()
    {
        // Row 0: RB+OB predicted defect; row 1: OB missed; row 2: normal wrongly flagged.
        var truth = GroundTruth.FromCodeMasks([Code("RB") | Code("OB"), Code("OB"), 0]);
        var m = DefectMetrics.Compute(truth, DefectScores.Binary([0.7, 0.3, 0.5]));

        // RB: Np = 2 (rows 0, 2), Nc = 1, Ng = 1 -> P 1/2, R 1 -> F2 = 5 * 0.5 / (2 + 1) = 5/6.
        Assert.Equal(5.0 / 6, m.F2PerCode[SewerMlCodes.IndexOf("RB")], 1e-15);
        // OB: Np = 2, Nc = 1, Ng = 2 -> P 1/2, R 1/2 -> F2 = 1/2.
        Assert.Equal(0.5, m.F2PerCode[SewerMlCodes.IndexOf("OB")], 1e-15);
        // 0.5 is a positive decision (official: score >= threshold).
        Assert.Equal(0.5, m.Precision, 1e-15);
    }

    [Fact]
    public void Multi_label_normal_is_predicted_only_when_no_code_is()
    {
        var perCode = new double[2, 17];
        perCode[0, SewerMlCodes.IndexOf("PF")] = 0.6;  // predicts PF on a normal image
        var truth = GroundTruth.FromCodeMasks([0, 0]);
        var m = DefectMetrics.Compute(truth, DefectScores.MultiLabel(perCode));

        // Normal: row 1 correct, row 0 missed -> P 1, R 1/2.
        Assert.Equal(2.0 / 3, m.F1Normal, 1e-15);
        Assert.Equal(0, m.Precision);            // "defect" predicted once, wrongly
        Assert.True(double.IsNaN(m.Auroc));      // only normals: undefined
    }

    [Fact]
    public void Defect_label_must_agree_with_codes()
    {
        Assert.Throws<ArgumentException>(() => new GroundTruth([true, false], [0, 0]));
    }

    [Fact]
    public void Probabilities_outside_unit_interval_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => DefectScores.Binary([0.2, 1.5]));
        Assert.Throws<ArgumentException>(() => DefectScores.Binary([double.NaN]));
    }

    [Fact]
    public void Weighted_evaluation_equals_evaluation_of_the_repeated_rows()
    {
        var rng = new Random(3);
        int n = 60;
        var masks = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.4 ? 1 << rng.Next(17) | 1 << rng.Next(17) : 0).ToArray();
        var scores = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray();
        var multiplicity = Enumerable.Range(0, n).Select(_ => rng.Next(3)).ToArray();
        var repeated = Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat(i, multiplicity[i])).ToArray();

        var weighted = new EvaluationSet(GroundTruth.FromCodeMasks(masks), DefectScores.Binary(scores)).Evaluate(multiplicity);
        var expanded = DefectMetrics.Compute(GroundTruth.FromCodeMasks(repeated.Select(i => masks[i]).ToArray()),
            DefectScores.Binary(repeated.Select(i => scores[i]).ToArray()));

        foreach (var name in DefectMetrics.ScalarNames)
            Assert.Equal(expanded.Scalar(name), weighted.Scalar(name), 1e-12);
        Assert.Equal(expanded.Count, weighted.Count);
    }
}
