using System.Text.Json;
using SslAnomaly.Eval.OneClass;
using static SslAnomaly.Tests.Eval.OneClass.OneClassData;

namespace SslAnomaly.Tests.Eval.OneClass;

public class OneClassEvaluationTests(ITestOutputHelper output)
{
    static readonly FeatureSet Pool = Synthetic(600, 0.05, 16, seed: 1);
    static readonly FeatureSet Validation = Synthetic(800, 0.15, 16, seed: 2);

    static IReadOnlyList<ValidationSubset> Subsets()
    {
        var defects = Enumerable.Range(0, Validation.Rows).Where(i => Validation.Truth.Defect[i]).ToArray();
        var normals = Enumerable.Range(0, Validation.Rows).Where(i => !Validation.Truth.Defect[i]).ToArray();
        return [ValidationSubset.Natural(Validation), new ValidationSubset("5", defects.Take(20).Concat(normals.Take(380)).ToArray())];
    }

    static OneClassStudy Study(int seed = 0) => OneClassEvaluation.Evaluate(Pool, Validation, Subsets(),
        new OneClassOptions(LabelBudgets: [10, 100]), seed, new BootstrapOptions(Replicates: 50));

    [Fact]
    public void Fitted_once_it_scores_a_second_split_with_the_same_detectors_thresholds_and_budget_probes()
    {
        var fitted = OneClassEvaluation.Fit(Pool, new OneClassOptions(LabelBudgets: [10, 100]), 0);
        var other = Synthetic(500, 0.3, 16, seed: 3);
        var onValidation = fitted.Evaluate(Validation, Subsets(), new BootstrapOptions(Replicates: 50));
        var onOther = fitted.Evaluate(other, [ValidationSubset.Natural(other)], new BootstrapOptions(Replicates: 50));
        Assert.Equal(onValidation.Detectors.Select(d => (d.Key, d.Threshold)), onOther.Detectors.Select(d => (d.Key, d.Threshold)));
        Assert.All(onValidation.Detectors.Zip(onOther.Detectors), p => Assert.Same(p.First.Detector, p.Second.Detector));
        Assert.All(onValidation.LabelEfficiency.Zip(onOther.LabelEfficiency), p => Assert.Same(p.First.Probe, p.Second.Probe));
        // Fitting apart and scoring one split is the same study.
        var once = Study();
        Assert.Equal(once.Detectors.Select(d => d.Grid[ImbalanceGrid.NaturalKey].Metrics.Auprc), onValidation.Detectors.Select(d => d.Grid[ImbalanceGrid.NaturalKey].Metrics.Auprc));
        Assert.Throws<ArgumentException>(() => fitted.Evaluate(Synthetic(50, 0.3, 8, seed: 4), [], null));
    }

    [Fact]
    public void Every_detector_and_pool_is_judged_on_every_subset_at_its_own_threshold()
    {
        var study = Study();
        Assert.Equal(["knn_clean", "mahalanobis_clean", "knn_contaminated", "mahalanobis_contaminated"], study.Detectors.Select(d => d.Key));
        foreach (var d in study.Detectors)
        {
            Assert.Equal(d.Threshold, d.Scores.Threshold);
            Assert.Equal([ "5", ImbalanceGrid.NaturalKey ], d.Grid.Subsets.Select(s => s.Key));
            Assert.Equal(d.Grid.Subsets.Select(s => s.Key), d.BestF1.Keys);
            // The grid's recall is the share of defects at or above the label-free threshold.
            var natural = d.Grid[ImbalanceGrid.NaturalKey].Metrics;
            var defects = Enumerable.Range(0, Validation.Rows).Where(i => Validation.Truth.Defect[i]).ToArray();
            Assert.Equal(defects.Count(i => d.Scores.Defect[i] >= d.Threshold) / (double)defects.Length, natural.Recall, 1e-12);
            // No fixed threshold beats the best one on the subset's own labels.
            Assert.True(d.BestF1[ImbalanceGrid.NaturalKey].FScore >= natural.F1);
            Assert.NotNull(d.Grid[ImbalanceGrid.NaturalKey].Intervals);
            output.WriteLine($"{d.Key}: threshold {d.Threshold:G4}, AUROC {natural.Auroc:F3}, F1 {natural.F1:F3} (best {d.BestF1[ImbalanceGrid.NaturalKey].FScore:F3}), false alarms {FalseAlarmRate(d):P1}");
        }
        var clean = study[DetectorKind.Knn, ReferencePool.Clean];
        var contaminated = study[DetectorKind.Knn, ReferencePool.Contaminated];
        Assert.Equal(0, clean.ReferenceDefects + clean.CalibrationDefects);
        Assert.Equal(30, contaminated.ReferenceDefects + contaminated.CalibrationDefects);
        Assert.Equal(120, contaminated.Split.Calibration.Count);
        // The clean pool holds the same images less the defects.
        Assert.Equal(contaminated.Split.Reference.Where(i => !Pool.Truth.Defect[i]), clean.Split.Reference);
        // Defects 3 standard deviations off in four dimensions are easy to tell from clean normals, and the clean pool's
        // threshold flags normals near its 5 % budget. (A contaminated pool may do much worse: its hidden defects are
        // neighbours of the defects it is asked about, which is the point of having both.)
        Assert.All(study.Detectors.Where(d => d.Pool == ReferencePool.Clean), d =>
        {
            Assert.True(d.Grid[ImbalanceGrid.NaturalKey].Metrics.Auroc > 0.9, d.Key);
            Assert.InRange(FalseAlarmRate(d), 0.01, 0.12);
        });
    }

    [Fact]
    public void The_label_efficiency_probes_are_scored_like_the_runs_probe()
    {
        var study = Study();
        Assert.Equal(["10", LabelEfficiency.AllKey], study.LabelEfficiency.Select(p => p.Budget.Key));   // 30 defects: 100 is left out
        var all = study.LabelEfficiency[^1];
        var probe = LinearProbe.Train(Pool);
        var expected = ImbalanceGrid.Evaluate(probe, Validation, Subsets(), new BootstrapOptions(Replicates: 50));
        Assert.Equal(JsonSerializer.Serialize(expected.ToReports(), EvalJson.Options), JsonSerializer.Serialize(all.Grid.ToReports(), EvalJson.Options));
    }

    [Fact]
    public void The_study_is_deterministic_and_serialises_in_the_proposed_shape()
    {
        string Json(OneClassStudy s) => JsonSerializer.Serialize(new { one_class = s.OneClassReports(), label_efficiency = s.LabelEfficiencyReports() }, EvalJson.Options);
        var first = Json(Study());
        Assert.Equal(first, Json(Study()));
        Assert.NotEqual(first, Json(Study(seed: 1)));
        var root = JsonDocument.Parse(first).RootElement;
        var knn = root.GetProperty("one_class").GetProperty("knn_contaminated");
        Assert.Equal(5, knn.GetProperty("k").GetInt32());
        Assert.False(knn.TryGetProperty("shrinkage", out _));
        Assert.True(knn.GetProperty("metrics").GetProperty(ImbalanceGrid.NaturalKey).TryGetProperty("auroc", out _));
        Assert.True(knn.GetProperty("best_f1").GetProperty("5").TryGetProperty("threshold", out _));
        Assert.True(root.GetProperty("one_class").GetProperty("mahalanobis_clean").GetProperty("shrinkage").GetDouble() is > 0 and < 1);
        Assert.Equal(10, root.GetProperty("label_efficiency").GetProperty("10").GetProperty("defects").GetInt32());
        output.WriteLine(first[..Math.Min(first.Length, 1500)]);
    }

    [Fact]
    public void Switched_off_or_narrowed_it_does_only_what_is_asked()
    {
        Assert.Same(OneClassStudy.Empty, OneClassEvaluation.Evaluate(Pool, Validation, Subsets(), new OneClassOptions(Enabled: false), 0));
        var narrow = OneClassEvaluation.Evaluate(Pool, Validation, Subsets(),
            new OneClassOptions(Detectors: [DetectorKind.Knn], Pools: [ReferencePool.Contaminated], LabelBudgets: []), 0, intervals: false);
        Assert.Equal(["knn_contaminated"], narrow.Detectors.Select(d => d.Key));
        Assert.Empty(narrow.LabelEfficiency);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneClassOptions(K: 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneClassOptions(Quantile: 1).Validate());
        Assert.Throws<ArgumentException>(() => new OneClassOptions(Pools: [ReferencePool.Clean, ReferencePool.Clean]).Validate());
    }

    /// <summary>The share of the validation normals the detector flags.</summary>
    static double FalseAlarmRate(DetectorResult d)
    {
        var normals = Enumerable.Range(0, Validation.Rows).Where(i => !Validation.Truth.Defect[i]).ToArray();
        return normals.Count(i => d.Scores.Defect[i] >= d.Threshold) / (double)normals.Length;
    }
}
