using System.Text.Json;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Eval;

public class ImbalanceGridTests
{
    /// <summary>Features where defects shift the first dimensions: a probe learns something but not everything.</summary>
    static FeatureSet Synthetic(int n, double share, int seed)
    {
        var rng = new Random(seed);
        var masks = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < share ? 1 << rng.Next(17) : 0).ToArray();
        var values = masks.SelectMany(m => Enumerable.Range(0, 8).Select(j => (float)(Gaussian(rng) + (m != 0 && j < 2 ? 1.2 : 0)))).ToArray();
        return new FeatureSet(values, 8, masks.Select((_, i) => $"{seed}-{i:D6}.png").ToArray(), GroundTruth.FromCodeMasks(masks));
    }

    static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    static List<ValidationSubset> Subsets(FeatureSet validation, int seed)
    {
        // Subsets at a fixed defect share, as the manifests will give them: all normals plus enough defects.
        var rng = new Random(seed);
        var defects = Enumerable.Range(0, validation.Rows).Where(i => validation.Truth.Defect[i]).OrderBy(_ => rng.Next()).ToArray();
        var normals = Enumerable.Range(0, validation.Rows).Where(i => !validation.Truth.Defect[i]).ToArray();
        var subsets = new List<ValidationSubset> { ValidationSubset.Natural(validation) };
        foreach (var pct in new[] { 45, 15, 5, 2, 1 })
        {
            int count = (int)Math.Round(normals.Length * pct / (100.0 - pct));
            subsets.Add(new ValidationSubset(pct.ToString(), normals.Concat(defects.Take(count)).ToArray()));
        }
        return subsets;
    }

    [Fact]
    public void Grid_covers_every_subset_with_consistent_metrics_and_the_result_json_contract()
    {
        var train = Synthetic(600, 0.15, 1);
        var validation = Synthetic(1600, 0.45, 2);
        var probe = LinearProbe.Train(train);
        var grid = ImbalanceGrid.Evaluate(probe, validation, Subsets(validation, 3), new BootstrapOptions(Replicates: 100));

        Assert.Equal(ImbalanceGrid.ValidationKeys, grid.Subsets.Select(s => s.Key));
        foreach (var s in grid.Subsets)
        {
            var m = s.Metrics;
            Assert.Equal(2 * m.Precision * m.Recall / (m.Precision + m.Recall), m.F1, 1e-12);
            Assert.InRange(m.F1, s.Intervals!["f1"].Low, s.Intervals["f1"].High);
        }
        // Fewer defects, lower precision (recall is share-independent up to sampling): the paper's Figure 5 trend.
        Assert.True(grid["1"].Metrics.Precision < grid["45"].Metrics.Precision);
        Assert.Equal(1.0, 100.0 * grid["1"].Metrics.Positives / grid["1"].Metrics.Count, 0.1);

        var json = JsonSerializer.SerializeToElement(grid.ToReports(), EvalJson.Options);
        foreach (var key in ImbalanceGrid.ValidationKeys)
        {
            var entry = json.GetProperty(key);
            foreach (var field in new[] { "f1", "f2_ciw", "f1_normal", "precision", "recall" })
                Assert.Equal(JsonValueKind.Number, entry.GetProperty(field).ValueKind);
            Assert.Equal(grid[key].Metrics.F1, entry.GetProperty("f1").GetDouble());
            foreach (var metric in DefectMetrics.ScalarNames)
            {
                // Every metric has its [lo, hi] beside it, and the interval holds the value.
                var bounds = entry.GetProperty(MetricsReport.IntervalKey(metric)).EnumerateArray().Select(b => b.GetDouble()).ToArray();
                Assert.Equal(2, bounds.Length);
                Assert.InRange(entry.GetProperty(metric).GetDouble(), bounds[0], bounds[1]);
            }
            Assert.True(entry.TryGetProperty("f1_normal_ci95", out _) && entry.TryGetProperty("f2_ciw_ci95", out _)); // the contract's spelling
            Assert.Equal(SewerMlCodes.Codes, entry.GetProperty("f2_per_code").EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public void Data_frames_and_heatmap_across_runs()
    {
        var validation = Synthetic(800, 0.45, 5);
        var subsets = Subsets(validation, 6);
        var runs = new List<RunResult>();
        foreach (var (method, pct, seed) in new[] { ("SimCLR", 5, 0), ("SimCLR", 5, 1), ("SimCLR", 45, 0), ("BYOL", 5, 0) })
        {
            var probe = LinearProbe.Train(Synthetic(300, pct / 100.0 + 0.05, 10 + seed + pct));
            var grid = ImbalanceGrid.Evaluate(probe, validation, subsets, intervals: false);
            if (method == "SimCLR" && pct == 5 && seed == 0)
            {
                var frame = grid.ToDataFrame();
                Assert.Equal(6, frame.Rows.Count);
                Assert.Equal("1", frame["val"][0]);
                Assert.Equal(grid["natural"].Metrics.F2Ciw, (double)frame["f2_ciw"][5]!);
            }
            runs.Add(RunResults.Of(method, "resnet18", pct, grid.ToReports(), seed: seed, rankMe: 100 + pct));
        }

        var all = GridTables.ToDataFrame(runs);
        Assert.Equal(4 * 6, all.Rows.Count);
        Assert.Equal("BYOL", all["method"][0]);

        var heatmap = GridTables.Heatmap(runs, "f1", backbone: "resnet18");
        Assert.Equal(["BYOL 5%", "SimCLR 5%", "SimCLR 45%"], heatmap.RowLabels);
        Assert.Equal(["1%", "2%", "5%", "15%", "45%", "natural"], heatmap.ColumnLabels);
        // Two seeds of SimCLR 5 % are averaged.
        double mean = (runs[0].Metrics["15"].F1 + runs[1].Metrics["15"].F1) / 2;
        Assert.Equal(mean, heatmap["SimCLR 5%", "15%"]!.Value, 1e-15);
        Assert.Empty(GridTables.Heatmap(runs, "f1", backbone: "vit-tiny").RowLabels);
    }

    [Fact]
    public void Subsets_by_filename_name_the_missing_ones()
    {
        var validation = Synthetic(10, 0.5, 7);
        var subset = ValidationSubset.FromFilenames("5", [validation.Filenames[3], validation.Filenames[1]], validation);
        Assert.Equal([3, 1], subset.Indices);
        var e = Assert.Throws<UserInputException>(() => ValidationSubset.FromFilenames("5", ["nope.png"], validation));
        Assert.Contains("nope.png", e.Message);
    }
}
