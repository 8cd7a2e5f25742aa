using System.Text.Json;
using SslAnomaly.Eval.OneClass;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Experiments;

/// <summary>The report's half of the study without defect labels: the one-class table, the label-efficiency figure's data
/// and the findings, on runs built in memory whose intervals are chosen to give each verdict.</summary>
public class OneClassReportingTests
{
    /// <summary>A natural-subset report with AUPRC and F1 (and their intervals) as given; 5 % defects.</summary>
    static IReadOnlyDictionary<string, MetricsReport> Natural(double auprc, double low, double high, double f1 = 0.5) =>
        new Dictionary<string, MetricsReport>
        {
            [ImbalanceGrid.NaturalKey] = RunResults.Metrics(f1: f1) with
            {
                Auprc = auprc, AuprcCi95 = [low, high], F1Ci95 = [f1 - 0.05, f1 + 0.05], N = 1000, Positives = 50, DefectPct = 5,
            },
        };

    static OneClassReport Detector(string detector, string pool, double auprc, double low, double high, double bestF1 = 0.9) => new()
    {
        Detector = detector, Pool = pool, Quantile = 0.95, Threshold = 0.1, ReferenceSize = 100, ReferenceDefects = pool == "clean" ? 0 : 5,
        CalibrationSize = 25, CalibrationDefects = 0, Metrics = Natural(auprc, low, high, f1: 0.3),
        BestF1 = new Dictionary<string, BestF1Report> { [ImbalanceGrid.NaturalKey] = new(bestF1, 0.2) },
    };

    /// <summary>A run whose probe, four detectors and label budgets have the AUPRC intervals given (value: the middle).</summary>
    internal static RunResult Run(string method, double share, (double Low, double High) probe, (double Low, double High) knnClean, (double Low, double High) knnContaminated,
        (double Low, double High)? mahalanobis = null, IReadOnlyList<(string Budget, int Defects, double Low, double High)>? budgets = null, int seed = 0)
    {
        static double Mid((double Low, double High) i) => (i.Low + i.High) / 2;
        var m = mahalanobis ?? (0.0, 0.1);
        return RunResults.Of(method, "resnet18", share, Natural(Mid(probe), probe.Low, probe.High), seed: seed, runDirectory: $"/r/{method}-{share}-{seed}") with
        {
            OneClass = new Dictionary<string, OneClassReport>
            {
                ["knn_clean"] = Detector("knn", "clean", Mid(knnClean), knnClean.Low, knnClean.High),
                ["knn_contaminated"] = Detector("knn", "contaminated", Mid(knnContaminated), knnContaminated.Low, knnContaminated.High),
                ["mahalanobis_clean"] = Detector("mahalanobis", "clean", Mid(m), m.Low, m.High),
                ["mahalanobis_contaminated"] = Detector("mahalanobis", "contaminated", Mid(m), m.Low, m.High),
            },
            LabelEfficiency = (budgets ?? []).ToDictionary(b => b.Budget, b => new LabelBudgetReport
            {
                Defects = b.Defects, Normals = b.Defects * 19, Metrics = Natural((b.Low + b.High) / 2, b.Low, b.High),
            }),
        };
    }

    [Fact]
    public void The_table_puts_the_probe_beside_every_detector_and_pool_with_the_upper_bound_apart()
    {
        var runs = new[]
        {
            Run("simclr", 45, probe: (0.5, 0.6), knnClean: (0.3, 0.4), knnContaminated: (0.1, 0.2)),
            Run("simclr", 1, probe: (0.2, 0.3), knnClean: (0.3, 0.4), knnContaminated: (0.25, 0.35)),
            RunResults.Of("byol", "resnet18", 5), // a run from before the study: no row
        };
        var rows = OneClassTable.Build(runs);
        Assert.Equal([1.0, 45.0], rows.Select(r => r.TrainDefectPct));
        var row = rows[1];
        Assert.Equal(0.55, row.ProbeAuprc!.Value, 12);
        Assert.Equal((0.5, 0.6), (row.ProbeAuprc.Low!.Value, row.ProbeAuprc.High!.Value));
        Assert.Equal(["knn_clean", "knn_contaminated", "mahalanobis_clean", "mahalanobis_contaminated"], row.Detectors.Select(d => d.Key));
        Assert.Equal(0.15, row.Of(DetectorKind.Knn, ReferencePool.Contaminated)!.Auprc!.Value, 12);
        Assert.Equal(0.3, row.Of(DetectorKind.Knn, ReferencePool.Clean)!.F1!.Value, 12);
        Assert.Equal(0.9, row.Of(DetectorKind.Knn, ReferencePool.Clean)!.BestF1);
        Assert.Equal("knn_clean", row.BestByAuprc!.Key);
        Assert.Equal(5, row.DefectPct);

        var csv = OneClassTable.ToCsv(rows).Split('\n');
        Assert.StartsWith("method,backbone,train_defect_pct,seed,defect_pct,probe_auprc,probe_auprc_low,probe_auprc_high,probe_f1,", csv[0]);
        Assert.Contains("knn_contaminated_auprc,knn_contaminated_auprc_low,knn_contaminated_auprc_high,knn_contaminated_f1,", csv[0]);
        Assert.Contains("knn_clean_best_f1", csv[0]);
        Assert.Equal(csv[0].Split(',').Length, csv[2].Split(',').Length);
        Assert.StartsWith("simclr,resnet18,45,0,5,0.55,0.5,0.6,", csv[2]);

        var markdown = OneClassTable.ToMarkdown(rows, "test");
        TextAssert.ContainsAll(markdown,
            "### AUPRC without defect labels: probe beside the detectors (test, natural subset)",
            "| simclr | resnet18 | 45 % | 0.550 [0.500, 0.600] | 0.350 [0.300, 0.400] | 0.150 [0.100, 0.200] |",
            "| 0.050 |", // the chance level: the subset's defect share
            "### F1 at the label-free threshold",
            "### Upper bound, not a result",
            "| simclr | resnet18 | 45 % | 0.900 | 0.900 | 0.900 | 0.900 |",
            "chance level is the subset's defect share");
    }

    [Fact]
    public void Findings_say_imbalance_hurts_only_where_the_intervals_part()
    {
        var runs = new[]
        {
            Run("simclr", 1, probe: (0.1, 0.2), knnClean: (0.30, 0.40), knnContaminated: (0.5, 0.6), mahalanobis: (0.2, 0.3)),
            Run("simclr", 45, probe: (0.5, 0.6), knnClean: (0.35, 0.45), knnContaminated: (0.1, 0.2), mahalanobis: (0.25, 0.35)),
        };
        var findings = OneClassFindings.Compute(runs);
        IntervalVerdict Of(string scorer) => findings.Imbalance.Single(f => f.Scorer == scorer).Verdict;
        Assert.Equal(IntervalVerdict.Below, Of(OneClassFindings.Probe)); // 1 % below 45 %: imbalance hurts the probe
        Assert.Equal(IntervalVerdict.Inconclusive, Of("knn, clean")); // overlapping intervals
        Assert.Equal(IntervalVerdict.Above, Of("knn, contaminated")); // the rarer share is better: the pool is cleaner there
        Assert.Equal(IntervalVerdict.Inconclusive, Of("mahalanobis, clean"));
        Assert.All(findings.Imbalance, f => Assert.Equal((1.0, 45.0), (f.LowShare, f.HighShare)));

        // (b) kNN: contaminated at 45 % [0.1, 0.2] lies below clean at 1 % [0.3, 0.4], so contamination costs more than imbalance.
        var knn = findings.Contamination.Single(f => f.Detector == DetectorKind.Knn);
        Assert.Equal(IntervalVerdict.Above, knn.Verdict);
        Assert.Equal(0.4 - 0.15, knn.ContaminationCost!.Value, 12);
        Assert.Equal(0.35 - 0.2, knn.ContaminationCost.Low!.Value, 12); // the widest difference the two intervals allow
        Assert.Equal(0.4 - 0.35, knn.ImbalanceCost!.Value, 12);
        Assert.Equal(IntervalVerdict.Inconclusive, findings.Contamination.Single(f => f.Detector == DetectorKind.Mahalanobis).Verdict);

        var text = string.Join("\n", findings.Paragraphs());
        TextAssert.ContainsAll(text,
            "probe lower at the rarer share (imbalance hurts)",
            "knn, clean inconclusive",
            "contamination hurts more",
            "mahalanobis: contamination costs");
    }

    [Fact]
    public void Findings_name_the_smallest_budget_whose_interval_clears_the_best_detector()
    {
        var budgets = new List<(string, int, double, double)> { ("10", 10, 0.10, 0.30), ("30", 30, 0.35, 0.50), ("100", 100, 0.45, 0.60), ("all", 250, 0.60, 0.70) };
        var reached = Run("simclr", 5, probe: (0.6, 0.7), knnClean: (0.3, 0.4), knnContaminated: (0.1, 0.2), budgets: budgets);
        var below = Run("byol", 5, probe: (0.1, 0.2), knnClean: (0.5, 0.6), knnContaminated: (0.1, 0.2),
            budgets: [("10", 10, 0.05, 0.10), ("all", 60, 0.10, 0.20)]);
        var overlap = Run("dino", 5, probe: (0.3, 0.45), knnClean: (0.3, 0.4), knnContaminated: (0.1, 0.2),
            budgets: [("10", 10, 0.05, 0.10), ("all", 60, 0.30, 0.45)]);
        var findings = OneClassFindings.Compute([reached, below, overlap]);
        LabelBudgetFinding Of(string method) => findings.LabelBudgets.Single(f => f.Method == method);

        // 30's [0.35, 0.50] overlaps the detector's [0.30, 0.40]; 100's [0.45, 0.60] is the first wholly above it.
        Assert.Equal((BudgetOutcome.Reached, "100", 100), (Of("simclr").Outcome, Of("simclr").Needed!.Budget, Of("simclr").Needed!.Defects));
        Assert.Equal("knn_clean", Of("simclr").BestDetector!.Key);
        Assert.Equal(BudgetOutcome.NotWithinBudgets, Of("byol").Outcome);
        Assert.Equal(BudgetOutcome.Inconclusive, Of("dino").Outcome);
        Assert.Empty(findings.Imbalance); // one share per method: nothing to compare across shares

        var text = string.Join("\n", findings.Paragraphs());
        TextAssert.ContainsAll(text,
            "simclr/resnet18 at 5 %: 100 labelled defects (budget 100: 0.525 [0.450, 0.600]) beat knn, clean 0.350 [0.300, 0.400]",
            "byol/resnet18 at 5 %: not within the budgets: even 60 labelled defects",
            "dino/resnet18 at 5 %: inconclusive",
            "No method has runs at two train shares");
    }

    [Fact]
    public void The_label_efficiency_figure_plots_actual_defect_counts_with_error_bars_and_the_detector_band()
    {
        var runs = new[]
        {
            Run("simclr", 5, probe: (0.6, 0.7), knnClean: (0.3, 0.4), knnContaminated: (0.1, 0.2),
                budgets: [("all", 250, 0.6, 0.7), ("10", 10, 0.1, 0.3), ("30", 30, 0.35, 0.5)]),
            Run("supervised", 5, probe: (0.7, 0.8), knnClean: (0.2, 0.3), knnContaminated: (0.4, 0.5), budgets: [("10", 10, 0.2, 0.3), ("all", 250, 0.7, 0.8)]),
            Run("simclr", 45, probe: (0.6, 0.7), knnClean: (0.3, 0.4), knnContaminated: (0.1, 0.2), budgets: [("all", 2000, 0.6, 0.7)]),
        };
        Assert.Equal(["resnet18"], LabelEfficiencyFigure.Backbones(runs));
        Assert.Equal([5.0, 45.0], LabelEfficiencyFigure.Shares(runs, "resnet18"));
        var lines = LabelEfficiencyFigure.Lines(runs, "resnet18", 5);
        Assert.Equal(["supervised", "simclr"], lines.Select(l => l.Method)); // Table 1's order
        var simclr = lines[1];
        Assert.Equal([10, 30, 250], simclr.Points.Select(p => p.Defects));
        Assert.Equal(["10", "30", "all"], simclr.Points.Select(p => p.Budget));
        Assert.Equal(0.2, simclr.Points[0].Auprc!.Value, 12);
        Assert.Equal(0.5, simclr.Points[0].F1!.Value, 12);
        Assert.Equal("knn_clean", simclr.BestDetector!.Key);
        Assert.Equal("knn_contaminated", lines[0].BestDetector!.Key);

        var figure = LabelEfficiencyFigure.Build(runs, "resnet18", 5).ToJsonElement();
        var traces = figure.GetProperty("data").EnumerateArray().ToList();
        var f1 = traces.Single(t => t.GetProperty("name").GetString() == "simclr" && !t.TryGetProperty("xaxis", out _));
        Assert.Equal([10.0, 30, 250], f1.GetProperty("x").EnumerateArray().Select(x => x.GetDouble()));
        var auprc = traces.Single(t => t.GetProperty("name").GetString() == "simclr" && t.TryGetProperty("xaxis", out var x) && x.GetString() == "x2");
        Assert.Equal(0.1, auprc.GetProperty("error_y").GetProperty("arrayminus")[0].GetDouble(), 12);
        Assert.Equal(0.1, auprc.GetProperty("error_y").GetProperty("array")[0].GetDouble(), 12);
        var band = traces.Single(t => t.TryGetProperty("fill", out var fill) && fill.GetString() == "toself" && t.GetProperty("name").GetString()!.StartsWith("simclr: best without labels (knn, clean)"));
        Assert.Equal([0.3, 0.3, 0.4, 0.4, 0.3], band.GetProperty("y").EnumerateArray().Select(y => y.GetDouble()));
        Assert.Equal("y2", band.GetProperty("yaxis").GetString());
        var layout = figure.GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("x2", layout.GetProperty("yaxis2").GetProperty("anchor").GetString());
        Assert.Contains("chance level is the defect share", layout.GetProperty("annotations")[0].GetProperty("text").GetString());
        Assert.Equal([10.0, 30, 250], layout.GetProperty("xaxis2").GetProperty("tickvals").EnumerateArray().Select(t => t.GetDouble()));
    }

    [Fact]
    public void The_report_shows_threshold_free_columns_the_one_class_table_and_the_label_efficiency_figure()
    {
        using var outDir = new TempDir();
        var runs = new[]
        {
            Run("simclr", 1, probe: (0.1, 0.2), knnClean: (0.3, 0.4), knnContaminated: (0.5, 0.6), budgets: [("10", 10, 0.1, 0.3), ("all", 20, 0.2, 0.3)]),
            Run("simclr", 45, probe: (0.5, 0.6), knnClean: (0.35, 0.45), knnContaminated: (0.1, 0.2), budgets: [("10", 10, 0.1, 0.3), ("all", 900, 0.5, 0.6)]),
        };
        var index = File.ReadAllText(new ReportWriter(outDir.Path).Write(runs));
        TextAssert.ContainsAll(index,
            $"id=\"{ReportWriter.OneClassSection}\"",
            "AUPRC without defect labels: probe beside the detectors (validation, natural subset)",
            "Upper bound, not a result",
            "(b) Does a contaminated reference hurt more than imbalanced pretraining?",
            "Table 1: AUPRC (validation)",
            "AUPRC&#39;s is the evaluated subset&#39;s defect share"); // Table 1's legend, HTML-encoded
        Assert.Contains("\"xaxis2\"", File.ReadAllText(Path.Combine(outDir.Path, "figures", "label-efficiency-resnet18-t45.html")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", "label-efficiency-resnet18-t1.html")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", "heatmap-resnet18-auprc.html")));
        Assert.True(File.Exists(Path.Combine(outDir.Path, "figures", "heatmap-resnet18-auroc.html")));
        Assert.Contains("labelled defects", index);
        Assert.Contains("auprc,simclr,resnet18,45,0.55,1,", File.ReadAllText(Path.Combine(outDir.Path, "table1.csv")));
        var csv = File.ReadAllLines(Path.Combine(outDir.Path, OneClassTable.CsvFile));
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("simclr,resnet18,1,0,5,0.15", csv[1]);
        Assert.True(File.Exists(Path.Combine(outDir.Path, OneClassTable.MarkdownFile)));
    }
}
