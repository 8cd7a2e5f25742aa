using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SslAnomaly.Tests.Experiments;

/// <summary>A tiny embedded dataset shared by the end-to-end tests of one class.</summary>
public sealed class TinyDataFixture : IDisposable
{
    public TempDir Cache { get; } = new();
    public Dictionary<string, string> Environment => new()
    {
        [EmbeddedDataset.CacheEnvironmentVariable] = Cache.Path,
        ["SSL_ANOMALY_PLAIN_PROGRESS"] = "1",
    };

    /// <summary>Experiment settings small enough for a run to take seconds on two cores.</summary>
    public static readonly string[] TinySets =
    [
        "train_size=96", "val_size=60", "epochs=2", "batch_size=16", "checkpoint_every_steps=2", "monitor_samples=32",
        "embedded.train=400", "embedded.val=400", "embedded.test=400", "probe.bootstrap_samples=20", "val_defect_pcts=[5, 45]",
    ];

    public static string[] RunArgs(string method, string outDir, params string[] extra) =>
        ["run", "--method", method, "--backbone", "resnet18", "--train-defect-pct", "15", "--profile", "smoke", "--out", outDir,
         .. TinySets.SelectMany(s => new[] { "--set", s }), .. extra];

    public void Dispose() => Cache.Dispose();
}

[Collection(EndToEnd.Name)]
public class RunnerEndToEndTests(TinyDataFixture data, ITestOutputHelper output) : IClassFixture<TinyDataFixture>
{
    static JsonObject Result(string runDir) => JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "result.json")))!.AsObject();

    [Fact]
    public void A_run_writes_the_result_contract_and_a_second_call_skips_it()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        var first = CliProcess.Run(TinyDataFixture.RunArgs("supervised", run), data.Environment);
        output.WriteLine(first.All);
        Assert.True(first.ExitCode == 0, first.All);

        var result = Result(run);
        Assert.Equal("completed", result["status"]!.GetValue<string>());
        Assert.Equal("supervised", result["method"]!.GetValue<string>());
        Assert.Equal(15, result["train_defect_pct"]!.GetValue<double>());
        Assert.Equal(64, result["manifest_sha256"]!.GetValue<string>().Length);
        Assert.True(result["rankme"]!.GetValue<double>() > 1);
        Assert.Equal(SslAnomaly.Native.EnvironmentReport.CodeCommit, result["environment"]!["code_commit"]!.GetValue<string>());
        var metrics = result["metrics"]!.AsObject();
        Assert.Equal(new[] { "45", "5", "natural" }, metrics.Select(m => m.Key).Order());
        foreach (var (_, cell) in metrics)
        {
            double p = cell!["precision"]!.GetValue<double>(), r = cell["recall"]!.GetValue<double>(), f1 = cell["f1"]!.GetValue<double>();
            Assert.Equal(p + r == 0 ? 0 : 2 * p * r / (p + r), f1, 9); // F1 consistent with precision and recall
            Assert.NotNull(cell["f2_ciw"]);
            Assert.NotNull(cell["f1_normal"]);
            AssertIntervals(cell.AsObject());
        }
        // The supervised model is also scored by its own head, in the same shape.
        var head = result["head_metrics"]!.AsObject();
        Assert.Equal(metrics.Select(m => m.Key).Order(), head.Select(m => m.Key).Order());
        foreach (var (_, cell) in head) AssertIntervals(cell!.AsObject());
        Assert.NotEqual(metrics["natural"]!["f1"]!.GetValue<double>(), head["natural"]!["f1"]!.GetValue<double>()); // a different scorer
        // The held-out test split is scored the same way, from its own subsets (the embedded data has labelled test frames).
        var test = result["test_metrics"]!.AsObject();
        Assert.Equal(metrics.Select(m => m.Key).Order(), test.Select(m => m.Key).Order());
        foreach (var (_, cell) in test) AssertIntervals(cell!.AsObject());
        Assert.Equal(head.Select(m => m.Key).Order(), result["test_head_metrics"]!.AsObject().Select(m => m.Key).Order());
        Assert.NotNull(result["test_trivial"]);
        var testManifests = result["test_manifest_sha256"]!.AsObject();
        Assert.Equal(metrics.Select(m => m.Key).Order(), testManifests.Select(m => m.Key).Order());
        Assert.NotEqual(result["val_manifest_sha256"]!["natural"]!.GetValue<string>(), testManifests["natural"]!.GetValue<string>());
        foreach (var file in new[] { "truth-test.csv", "predictions-test.csv", Path.Combine("manifests", "test-natural.json") })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.Contains("on the natural test split", first.Stdout);
        // Without defect labels: each detector on each pool, and the probe at the label budgets the probe set can fill,
        // scored on the same subsets (their own keys) on both splits.
        foreach (var section in new[] { "one_class", "test_one_class" })
        {
            var detectors = result[section]!.AsObject();
            Assert.Equal(["knn_clean", "knn_contaminated", "mahalanobis_clean", "mahalanobis_contaminated"], detectors.Select(d => d.Key).Order());
            foreach (var (_, detector) in detectors)
            {
                Assert.Equal(metrics.Select(m => m.Key).Order(), detector!["metrics"]!.AsObject().Select(m => m.Key).Order());
                Assert.True(detector["best_f1"]!["natural"]!["f1"]!.GetValue<double>() >= detector["metrics"]!["natural"]!["f1"]!.GetValue<double>() - 1e-12);
            }
        }
        Assert.Equal(0, result["one_class"]!["knn_clean"]!["reference_defects"]!.GetValue<int>());
        Assert.Contains("all", result["label_efficiency"]!.AsObject().Select(b => b.Key));
        Assert.Equal(metrics["natural"]!["f1"]!.GetValue<double>(), result["label_efficiency"]!["all"]!["metrics"]!["natural"]!["f1"]!.GetValue<double>(), 12);
        Assert.True(result["one_class_seconds"]!.GetValue<double>() > 0);
        Assert.True(File.Exists(Path.Combine(run, "truth-val.csv")));
        Assert.True(File.Exists(Path.Combine(run, "config.json")));
        Assert.True(File.Exists(Path.Combine(run, "metrics.csv")));
        // The label-free suite is logged each epoch beside RankMe (docs/label-free.md).
        var curves = File.ReadAllText(Path.Combine(run, "metrics.csv"));
        foreach (var name in new[] { "labelfree/alpha_req/backbone", "labelfree/lidar/backbone", "labelfree/knn_agreement/backbone" }) Assert.Contains(name, curves);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "tensorboard")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "manifests"), "*.json"));

        var clock = Stopwatch.StartNew();
        var second = CliProcess.Run(TinyDataFixture.RunArgs("supervised", run), data.Environment);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("skipped", second.Stdout);
        Assert.True(clock.Elapsed.TotalSeconds < 30, $"skipping took {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Every metric has its [lo, hi] with lo &lt;= hi, and the interval holds the F-scores' point values.</summary>
    static void AssertIntervals(JsonObject cell)
    {
        foreach (var metric in new[] { "f1", "f2", "f2_ciw", "f1_normal", "precision", "recall" })
        {
            var bounds = cell[$"{metric}_ci95"]!.AsArray().Select(b => b!.GetValue<double>()).ToArray();
            Assert.Equal(2, bounds.Length);
            Assert.True(bounds[0] <= bounds[1], $"{metric}: [{bounds[0]}, {bounds[1]}]");
            if (metric is "f1" or "f1_normal")
                Assert.InRange(cell[metric]!.GetValue<double>(), bounds[0], bounds[1]);
        }
    }

    [Fact]
    public void Random_init_floor_with_two_seeds_a_fixed_probe_share_and_the_floor_test_in_table1()
    {
        using var dir = new TempDir();
        var runs = dir.File("runs");
        var run = CliProcess.Run(TinyDataFixture.RunArgs("random-init", Path.Combine(runs, "random-init"), "--seeds", "2", "--set", "probe_defect_pct=45"), data.Environment);
        output.WriteLine(run.All);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(new[] { "random-init-s0", "random-init-s1" }, Directory.GetDirectories(runs).Select(Path.GetFileName).Order());
        foreach (var seed in new[] { 0, 1 })
        {
            var folder = Path.Combine(runs, $"random-init-s{seed}");
            var result = Result(folder);
            Assert.Equal(seed, result["seed"]!.GetValue<int>());
            Assert.Equal(0, result["steps"]!.GetValue<long>()); // the backbone as initialised
            Assert.Equal(0, JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["epochs"]!.GetValue<int>());
            // The probe trains on its own manifest at 45 % although pretraining (none here) was at 15 %.
            Assert.Equal(45, result["probe_defect_pct"]!.GetValue<double>());
            var probe = SslAnomaly.Data.Manifest.Read(Path.Combine(folder, "manifests", "probe-45.json"));
            Assert.Equal(45, probe.DefectPct);
            Assert.Equal(45, probe.ActualDefectPct, 0);
            Assert.Equal(SslAnomaly.Data.FileHash.Sha256(Path.Combine(folder, "manifests", "probe-45.json")), result["probe_manifest_sha256"]!.GetValue<string>());
            Assert.NotEqual(result["manifest_sha256"]!.GetValue<string>(), result["probe_manifest_sha256"]!.GetValue<string>());
            foreach (var (key, cell) in result["metrics"]!.AsObject())
            {
                AssertIntervals(cell!.AsObject());
                var always = result["trivial"]!["always_defect"]![key]!;
                double share = always["positives"]!.GetValue<double>() / always["n"]!.GetValue<double>();
                Assert.Equal(2 * share / (1 + share), always["f1"]!.GetValue<double>(), 9);
                Assert.Equal(share, result["trivial"]!["prior"]![key]!["f1"]!.GetValue<double>(), 9);
            }
        }

        // Three stand-ins of seed 0 paired with that floor: one scoring exactly like it (no score of its own), one scoring
        // perfectly, one always wrong.
        static void StandIn(string runs, string method, Func<bool, double>? score)
        {
            var folder = Path.Combine(runs, method);
            foreach (var file in Directory.GetFiles(Path.Combine(runs, "random-init-s0"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(folder, Path.GetRelativePath(Path.Combine(runs, "random-init-s0"), file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var result = Result(folder);
            result["method"] = method;
            File.WriteAllText(Path.Combine(folder, "result.json"), result.ToJsonString());
            if (score is not null)
                foreach (var split in new[] { "val", "test" }) // the report reads test, Table 1 below validation
                {
                    var truth = SslAnomaly.Eval.TruthTable.Read(Path.Combine(folder, $"truth-{split}.csv"));
                    SslAnomaly.Eval.PredictionCsv.WriteBinary(Path.Combine(folder, $"predictions-{split}.csv"), truth.Filenames, truth.Truth.Defect.Select(score).ToArray());
                }
        }
        StandIn(runs, "simclr", d => d ? 1.0 : 0.0);
        StandIn(runs, "byol", null);
        StandIn(runs, "dino", d => d ? 0.0 : 1.0);
        var summaries = RunResult.ReadAll(runs);
        var floors = SslAnomaly.Reporting.FloorComparisons.Compute(summaries, new SslAnomaly.Eval.BootstrapOptions(200));
        var table = SslAnomaly.Reporting.Table1.Build(summaries, floors: floors);
        // The probe share (45) differs from the train share (15): these runs are the fixed-probe panel's, not Table 1's.
        Assert.DoesNotContain(table, r => r.Ours is not null);
        Assert.Equal([45.0], SslAnomaly.Reporting.Figures.FixedProbeShares(summaries));
        Assert.Contains(SslAnomaly.Reporting.ReportWriter.BuildFigures(summaries, floors), f => f.Name == "fixed-probe-resnet18-p45");
        var asPaper = summaries.Select(r => r with { ProbeDefectPct = r.TrainDefectPct }).ToList();
        table = SslAnomaly.Reporting.Table1.Build(asPaper, floors: SslAnomaly.Reporting.FloorComparisons.Compute(asPaper, new SslAnomaly.Eval.BootstrapOptions(200)));
        SslAnomaly.Reporting.Table1Row Cell(string method) => table.Single(r => r.Metric == "f1" && r.Method == method && r.Backbone == "resnet18" && r.TrainDefectPct == 15);
        Assert.Equal(SslAnomaly.Eval.FloorVerdict.Better, Cell("simclr").Floor);
        Assert.StartsWith($"{Cell("simclr").Ours:0.000}{SslAnomaly.Reporting.Table1.BetterMark}", SslAnomaly.Reporting.Table1.Cell(Cell("simclr")));
        Assert.Equal(SslAnomaly.Eval.FloorVerdict.CannotTell, Cell("byol").Floor); // identical to its floor
        Assert.Contains(SslAnomaly.Reporting.Table1.CannotTellMark, SslAnomaly.Reporting.Table1.Cell(Cell("byol")));
        Assert.Equal(SslAnomaly.Eval.FloorVerdict.Worse, Cell("dino").Floor);
        Assert.Contains(SslAnomaly.Reporting.Table1.WorseMark + SslAnomaly.Reporting.Table1.DidNotLearnMark + " [", SslAnomaly.Reporting.Table1.Cell(Cell("dino")));
        Assert.InRange(Cell("dino").FloorQ!.Value, Cell("dino").FloorP!.Value, 0.05);
        // The report lists every comparison by family, with the verdict the table shows.
        new SslAnomaly.Reporting.ReportWriter(dir.File("report")).Write(asPaper);
        var families = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File("report"), SslAnomaly.Reporting.ReportWriter.FloorComparisonsFile)))!["families"]!.AsArray();
        var table1 = families.Single(f => f!["family"]!.GetValue<string>() == "Table 1")!["comparisons"]!.AsArray();
        string Verdict(string method) => table1.Single(c => c!["method"]!.GetValue<string>() == method && c["metric"]!.GetValue<string>() == "f1")!["verdict"]!.GetValue<string>();
        Assert.Equal(["better", "cannot_tell", "worse"], new[] { "simclr", "byol", "dino" }.Select(Verdict));
        Assert.Contains(families, f => f!["family"]!.GetValue<string>() == "heatmap resnet18 f1");
        // Two seeds: the mean with an interval over seeds, then images (the runs' prediction files), the sd beside it.
        Assert.Equal(2, Cell("random-init").Runs);
        Assert.NotNull(Cell("random-init").Sd);
        Assert.InRange(Cell("random-init").Ours!.Value, Cell("random-init").Low!.Value, Cell("random-init").High!.Value);
        Assert.Contains("(n=2)", SslAnomaly.Reporting.Table1.Cell(Cell("random-init")));
        // Did-not-learn: the always-wrong stand-in is worse than its floor.
        Assert.True(Cell("dino").DidNotLearn);
        // The stand-ins keep the floor's result.json values: below always-defect, they did not learn either.
        Assert.Equal(Cell("simclr").Ours < Cell("always-defect").Ours, Cell("simclr").DidNotLearn);
        Assert.Contains(SslAnomaly.Reporting.Table1.DidNotLearnMark, SslAnomaly.Reporting.Table1.Cell(Cell("dino")));
        // The report reads the held-out test split and keeps Table 1 on validation beside it.
        Assert.True(File.Exists(Path.Combine(dir.File("report"), SslAnomaly.Reporting.ReportWriter.ValidationTableFile + ".csv")));
        Assert.Contains("held-out test split", File.ReadAllText(Path.Combine(dir.File("report"), "index.html")));
        Assert.NotNull(Cell("always-defect").Ours);
        Assert.NotNull(Cell("prior").Ours);
    }

    [Fact]
    public void A_finished_run_reruns_from_its_config_and_a_changed_number_is_caught()
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        var first = CliProcess.Run(TinyDataFixture.RunArgs("random-init", run), data.Environment);
        Assert.True(first.ExitCode == 0, first.All);
        var again = CliProcess.Run(["rerun", run, "--out", dir.File("again")], data.Environment);
        output.WriteLine(again.All);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("replicated (same code and same kind of CPU: every number must be identical; same images)", again.Stdout);
        // A committed number that the code does not produce is caught, named with its interval.
        var result = Result(run);
        double f1 = result["test_metrics"]!["natural"]!["f1"]!.GetValue<double>();
        result["test_metrics"]!["natural"]!["f1"] = f1 + 0.3;
        File.WriteAllText(Path.Combine(run, "result.json"), result.ToJsonString());
        var tampered = CliProcess.Run(["rerun", run, "--out", dir.File("tampered")], data.Environment);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("NOT replicated", tampered.Stdout);
        Assert.Contains("test natural  f1", tampered.Stdout);
        Assert.Equal(2, CliProcess.Run(["rerun", dir.File("nothing-here")], data.Environment).ExitCode);
    }

    [Theory]
    [InlineData(new[] { "--method", "moco" }, "unknown method 'moco' (valid: simclr, byol, barlow, dino, mae, supervised, random-init)")]
    [InlineData(new[] { "--backbone", "resnet50" }, "unknown backbone 'resnet50'")]
    [InlineData(new[] { "--train-defect-pct", "120" }, "outside (0, 100)")]
    [InlineData(new[] { "--set", "nope=1" }, "config key 'nope'")]
    [InlineData(new[] { "--data-root", "/nonexistent/sewer" }, "/nonexistent/sewer does not exist")]
    [InlineData(new[] { "--backbone", "vit-tiny", "--set", "resolution=36" }, "not divisible by the patch size")]
    [InlineData(new[] { "--set", "one_class.k=0" }, "one_class.k: The kNN detector needs at least one neighbour.")]
    [InlineData(new[] { "--set", "one_class.detectors=[\"lof\"]" }, "one_class.detectors")]
    public void Bad_input_is_one_clear_error_and_nothing_is_written(string[] bad, string expected)
    {
        using var dir = new TempDir();
        var run = dir.File("run");
        var args = new List<string> { "run", "--method", "simclr", "--backbone", "resnet18", "--train-defect-pct", "5", "--profile", "smoke", "--out", run };
        for (int i = 0; i < bad.Length; i += 2)
        {
            int at = args.IndexOf(bad[i]);
            if (at >= 0 && bad[i] != "--set") args[at + 1] = bad[i + 1];
            else args.AddRange([bad[i], bad[i + 1]]);
        }
        var r = CliProcess.Run(args, data.Environment);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(run, "result.json")));
    }
}
