using SslAnomaly.Bench;
using Xunit;

namespace SslAnomaly.Tests.Bench;

/// <summary>The fresh-process protocol's pure parts: the bootstrap on ratios, the plan and its order, the policy matrix.</summary>
public class FreshProtocolTests
{
    static RoundSamples Samples(params double[][] repeats) => new([.. repeats.Select(r => (IReadOnlyList<double>)r)]);

    [Fact]
    public void Ratio_of_constant_samples_is_exact_with_a_zero_width_interval()
    {
        var ours = Samples([110, 110, 110], [110, 110, 110]);
        var theirs = Samples([100, 100, 100], [100, 100, 100]);
        var i = Bootstrap.Ratio(ours, theirs, resamples: 500);
        Assert.Equal(1.1, i.Estimate, 12);
        Assert.Equal(1.1, i.Lower, 12);
        Assert.Equal(1.1, i.Upper, 12);
    }

    [Fact]
    public void Ratio_is_the_ratio_of_pooled_medians_and_its_interval_brackets_it()
    {
        var random = new Random(7);
        double[] Noisy(double centre) => [.. Enumerable.Range(0, 15).Select(_ => centre * (1 + 0.05 * (random.NextDouble() - 0.5)))];
        var ours = Samples(Noisy(120), Noisy(120), Noisy(120));
        var theirs = Samples(Noisy(100), Noisy(100), Noisy(100));
        var i = Bootstrap.Ratio(ours, theirs, resamples: 1000);
        Assert.Equal(BenchReport.Median(ours.All) / BenchReport.Median(theirs.All), i.Estimate, 12);
        Assert.True(i.Lower <= i.Estimate && i.Estimate <= i.Upper, $"{i}");
        Assert.InRange(i.Lower, 1.1, 1.2);
        Assert.InRange(i.Upper, 1.2, 1.3);
        // Seeded: the same samples give the same interval.
        Assert.Equal(i, Bootstrap.Ratio(ours, theirs, resamples: 1000));
    }

    [Fact]
    public void Hierarchical_resampling_widens_the_interval_when_repeats_disagree()
    {
        // The same 45 rounds per side: once in repeats that agree, once split between a fast and a slow repeat of ours.
        double[] Flat(double v) => [.. Enumerable.Repeat(v, 15)];
        var theirs = Samples(Flat(100), Flat(100), Flat(100));
        var agreeing = Bootstrap.Ratio(Samples([.. Flat(100)], [.. Flat(110)], [.. Flat(120)]), theirs, resamples: 2000);
        var oneRepeat = Bootstrap.Ratio(Samples([.. Flat(100), .. Flat(110), .. Flat(120)]), Samples([.. Flat(100), .. Flat(100), .. Flat(100)]), resamples: 2000);
        Assert.Equal(agreeing.Estimate, oneRepeat.Estimate, 12);
        Assert.True(agreeing.Upper - agreeing.Lower > oneRepeat.Upper - oneRepeat.Lower,
            $"between-repeat spread must count: {agreeing} against {oneRepeat}");
    }

    [Fact]
    public void Geometric_mean_of_ratios_combines_the_methods()
    {
        var pairs = new List<(RoundSamples, RoundSamples)>
        {
            (Samples([200, 200]), Samples([100, 100])),
            (Samples([50, 50]), Samples([100, 100])),
        };
        var g = Bootstrap.GeometricMean(pairs, resamples: 200);
        Assert.Equal(1.0, g.Estimate, 12);
        Assert.Equal(1.0, g.Lower, 12);
        Assert.False(Bootstrap.GeometricMean([(Samples([1.0]), Samples([]))]).IsFinite); // a side without rounds has no ratio
    }

    [Fact]
    public void Percentile_interpolates_like_numpy()
    {
        Assert.Equal(2.5, Bootstrap.Percentile([1.0, 2, 3, 4], 0.5), 12);
        Assert.Equal(1.075, Bootstrap.Percentile([1.0, 2, 3, 4], 0.025), 12);
        Assert.Equal(4.0, Bootstrap.Percentile([1.0, 2, 3, 4], 1.0), 12);
    }

    static readonly FreshCell ResNet = new("resnet18", "simclr", 64, 32, 16, 2);
    static readonly FreshCell Vit = new("vit-tiny", "mae", 64, 32, 16, 2);

    [Fact]
    public void Configs_cover_policies_algorithms_references_and_blas_threads()
    {
        var configs = FreshPlan.Configs(ResNet, ["torch113", "torch26"], ["default", "passive"], [true, false], [2, 1]);
        // Per policy and algorithm: ours, and each reference at each OpenBLAS thread count.
        Assert.Equal(2 * 2 * (1 + 2 * 2), configs.Count);
        Assert.Equal(configs.Count, configs.Select(c => c.Key).Distinct().Count());
        Assert.Contains(new SideConfig(Sides.Ours, "passive", false, 0), configs);
        Assert.Contains(new SideConfig("torch26", "default", true, 1), configs);
        // ViT-Tiny has no 3x3 convolution: one algorithm, products off.
        var vit = FreshPlan.Configs(Vit, ["torch113"], ["default", "passive"], [true, false], [2, 1]);
        Assert.All(vit, c => Assert.False(c.SmallMapProducts));
        Assert.Equal(2 * (1 + 2), vit.Count);
        // One thread: no barrier to wait at, so libgomp's default only, and OpenBLAS clamped to one thread.
        var single = FreshPlan.Configs(ResNet with { Threads = 1 }, ["torch113"], ["default", "passive"], [true], [2, 1]);
        Assert.Equal([new SideConfig(Sides.Ours, "default", true, 0), new SideConfig("torch113", "default", true, 1)], single);
        Assert.Equal("torch113/passive/stock/blas1", new SideConfig("torch113", "passive", false, 1).Key);
        Assert.Equal("ours/default/products", new SideConfig(Sides.Ours, "default", true, 0).Key);
    }

    [Fact]
    public void Plan_runs_every_configuration_rounds_times_per_repeat_in_a_seeded_random_order()
    {
        var cells = new List<(FreshCell, IReadOnlyList<SideConfig>)>
        {
            (ResNet, FreshPlan.Configs(ResNet, ["torch113"], ["default", "passive"], [true, false], [2])),
            (Vit, FreshPlan.Configs(Vit, ["torch113"], ["default", "passive"], [true, false], [2])),
        };
        int configs = cells.Sum(c => c.Item2.Count);
        var plan = FreshPlan.Build(cells, rounds: 15, repeats: 3, seed: 1);
        Assert.Equal(configs * 15 * 3, plan.Count);
        // Repeats are consecutive blocks, each holding every configuration's rounds exactly once.
        for (int repeat = 0; repeat < 3; repeat++)
        {
            var block = plan.Skip(repeat * configs * 15).Take(configs * 15).ToList();
            Assert.All(block, j => Assert.Equal(repeat, j.Repeat));
            Assert.All(block.GroupBy(j => (j.Cell, j.Config)), g => Assert.Equal(Enumerable.Range(0, 15), g.Select(j => j.Round).Order()));
        }
        // Shuffled (not in the enumeration order), differently in each block, and the same for the same seed.
        var ordered = FreshPlan.Build(cells, 15, 1, 1).Select(j => (j.Cell, j.Config, j.Round)).ToList();
        var enumeration = cells.SelectMany(c => c.Item2.SelectMany(cfg => Enumerable.Range(0, 15).Select(r => (c.Item1, cfg, r)))).ToList();
        Assert.NotEqual(enumeration, ordered);
        var first = plan.Take(configs * 15).Select(j => (j.Cell, j.Config, j.Round)).ToList();
        var second = plan.Skip(configs * 15).Take(configs * 15).Select(j => (j.Cell, j.Config, j.Round)).ToList();
        Assert.NotEqual(first, second);
        Assert.Equal(plan, FreshPlan.Build(cells, 15, 3, 1));
        Assert.NotEqual(plan, FreshPlan.Build(cells, 15, 3, 2));
        // Both sides interleave in the order: ours is not all at the start.
        var sides = first.Take(configs * 15 / 2).Select(j => j.Config.IsOurs).Distinct().Count();
        Assert.Equal(2, sides);
    }

    [Fact]
    public void Policy_matrix_picks_fixed_policies_or_each_sides_fastest()
    {
        var configs = FreshPlan.Configs(ResNet, ["torch113"], ["default", "passive"], [false], [2, 1]);
        var rates = new Dictionary<string, double>
        {
            ["ours/default/stock"] = 100, ["ours/passive/stock"] = 90,
            ["torch113/default/stock/blas2"] = 70, ["torch113/default/stock/blas1"] = 80,
            ["torch113/passive/stock/blas2"] = 85, ["torch113/passive/stock/blas1"] = 95,
        };
        double Rate(SideConfig c) => rates[c.Key];
        var ours = configs.Where(c => c.IsOurs).ToList();
        var theirs = configs.Where(c => !c.IsOurs).ToList();
        Assert.Equal("ours/default/stock", PolicyMatrix.Pick(PolicyRow.BothDefault, ours, 2, Rate)!.Key);
        Assert.Equal("torch113/default/stock/blas2", PolicyMatrix.Pick(PolicyRow.BothDefault, theirs, 2, Rate)!.Key); // OpenBLAS at the row's threads
        Assert.Equal("ours/passive/stock", PolicyMatrix.Pick(PolicyRow.BothPassive, ours, 2, Rate)!.Key);
        Assert.Equal("torch113/passive/stock/blas2", PolicyMatrix.Pick(PolicyRow.BothPassive, theirs, 2, Rate)!.Key);
        Assert.Equal("ours/default/stock", PolicyMatrix.Pick(PolicyRow.EachFastest, ours, 2, Rate)!.Key);
        Assert.Equal("torch113/passive/stock/blas1", PolicyMatrix.Pick(PolicyRow.EachFastest, theirs, 2, Rate)!.Key);
        // A configuration without a finite rate (its processes failed) is never picked; a missing policy gives no row.
        rates["torch113/passive/stock/blas1"] = double.NaN;
        Assert.Equal("torch113/passive/stock/blas2", PolicyMatrix.Pick(PolicyRow.EachFastest, theirs, 2, Rate)!.Key);
        Assert.Null(PolicyMatrix.Pick(PolicyRow.BothPassive, theirs.Where(c => c.WaitPolicy == "default"), 2, Rate));
        Assert.Equal(["both_default", "both_passive", "each_fastest"], PolicyMatrix.Rows.Select(PolicyMatrix.Name));
    }

    [Fact]
    public void Configs_option_keeps_the_named_configurations_cell_by_cell_and_refuses_one_that_names_nothing()
    {
        var single = ResNet with { Threads = 1 };
        var cells = new List<(FreshCell, IReadOnlyList<SideConfig>)>
        {
            (ResNet, FreshPlan.Configs(ResNet, ["torch113"], ["default", "passive"], [true, false], [2, 1])),
            (single, FreshPlan.Configs(single, ["torch113"], ["default", "passive"], [true, false], [2, 1])),
            (Vit, FreshPlan.Configs(Vit, ["torch113"], ["default", "passive"], [true, false], [2, 1])),
        };
        var o = BenchOptions.Parse(["--configs", "ours/default/products, resnet18.*.threads2:torch113/passive/stock/blas1,vit_tiny.*:ours/passive/stock"]);
        Assert.Null(BenchOptions.Parse([]).FreshConfigs);
        var kept = FreshPlan.Select(cells, o.FreshConfigs);
        Assert.Equal(["ours/default/products", "torch113/passive/stock/blas1"], kept[0].Configs.Select(c => c.Key));
        Assert.Equal(["ours/default/products"], kept[1].Configs.Select(c => c.Key)); // the pattern left out the one-thread row
        Assert.Equal(["ours/passive/stock"], kept[2].Configs.Select(c => c.Key));
        Assert.Equal(cells.Select(c => c.Item2.Count), FreshPlan.Select(cells, null).Select(c => c.Configs.Count));
        // A cell nothing is kept of leaves the plan.
        Assert.Equal([ResNet], FreshPlan.Select(cells, [ConfigSelector.Parse("*.threads2:torch113/default/products/blas2")]).Select(c => c.Cell));
        // A selector that names nothing (a typo, a cell not in the plan) is an error naming it, never a silently smaller plan.
        var e = Assert.Throws<BenchUsageException>(() => FreshPlan.Select(cells, [ConfigSelector.Parse("ours/default/product")]));
        Assert.Contains("ours/default/product'", e.Message);
        Assert.Throws<BenchUsageException>(() => FreshPlan.Select(cells, [ConfigSelector.Parse("resnet18.mae.*:ours/default/products")]));
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(["--configs", "torch113/passive/stock"])); // a reference key needs its OpenBLAS threads
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(["--configs", ":ours/default/stock"]));
    }

    [Fact]
    public void Options_parse_the_fresh_protocol()
    {
        var o = BenchOptions.Parse(["--only", "fresh", "--quick"]);
        Assert.True(o.Runs("fresh"));
        Assert.Equal(15, o.FreshRounds);
        Assert.Equal(3, o.Repeats);
        Assert.Equal(5, o.FreshStepsPerWindow); // a step after a one-step warm-up runs cold
        Assert.Equal(1, o.StepsPerWindow); // the in-process sections keep theirs
        Assert.Equal("quick", o.Profile);
        Assert.Equal(["default", "passive"], o.FreshPolicies);
        Assert.Equal([true, false], o.SmallMapSettings);
        Assert.Contains(1, o.ThreadRows); // the sweeps' one-thread row
        Assert.Equal("standard", BenchOptions.Parse([]).Profile);
        Assert.False(BenchOptions.Parse([]).Runs("fresh")); // hours, so only when named
        var tiny = BenchOptions.Parse(["--only", "fresh", "--rounds", "1", "--repeats", "1", "--references", "torch113,torch26-compile",
            "--thread-rows", "2", "--blas-threads", "1", "--small-map", "off", "--patch", "8", "--profile", "standard"]);
        Assert.Equal(1, tiny.FreshRounds);
        Assert.Equal(["torch113", "torch26-compile"], tiny.ReferencesOverride);
        Assert.Equal([2], tiny.ThreadRows);
        Assert.Equal([1], tiny.BlasThreads);
        Assert.Equal([false], tiny.SmallMapSettings);
        Assert.Equal(8, tiny.PatchOverride);
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(["--references", "torch3"]));
        Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(["--thread-rows", "0"]));
        Assert.Equal(ReferenceInstall.Torch26Python, BenchOptions.Parse(["--reference", "torch26"]).ReferencePython);
    }
}

/// <summary>The fresh protocol's summary: JSON and console tables from made-up windows (no process is started).</summary>
public class FreshSummaryTests
{
    [Fact]
    public void Summary_writes_targets_and_prints_its_tables()
    {
        static RoundSamples S(double v) => new([[v, v * 1.01, v * 0.99], [v, v * 1.02, v * 0.98]]);
        var summary = new FreshSummary();
        var ours = new SideConfig(Sides.Ours, "default", true, 0);
        var theirs = new SideConfig("torch113", "passive", true, 2);
        foreach (var (method, ratio) in new[] { ("simclr", 1.2), ("supervised", 0.95) })
        {
            var cell = new FreshCell("resnet18", method, 64, 32, 16, 2);
            var c = new FreshComparison(ours, theirs, (S(100 * ratio), S(100)), (S(50 * ratio), S(50)),
                Bootstrap.Ratio(S(100 * ratio), S(100), 200), Bootstrap.Ratio(S(50 * ratio), S(50), 200));
            foreach (var row in PolicyMatrix.Rows)
                foreach (var kind in new[] { "framework", "product" })
                    summary.Add(cell, "torch113", kind, row, c);
            summary.AddFastest(cell, c);
        }
        var section = new System.Text.Json.Nodes.JsonObject();
        summary.Write(section, resamples: 200, seed: 1);
        var every = section["targets"]!["every_method_vs_fastest_reference_resnet18"]!;
        Assert.Equal(0.95, every["value"]!.GetValue<double>(), 2);
        Assert.False(every["met"]!.GetValue<bool>());
        var geomean = section["targets"]!["geomean_vs_fastest_reference_resnet18"]!;
        Assert.Equal(Math.Sqrt(1.2 * 0.95), geomean["value"]!.GetValue<double>(), 3);
        Assert.NotNull(geomean["lower"]);
        Assert.NotNull(section["geomeans"]!["resnet18.threads2"]!["framework_vs_torch113"]!["both_passive"]!["cpu_time"]);
        FreshTables.Print(summary); // markup in titles and cells must render
    }
}
