using SslAnomaly.Methods;

namespace SslAnomaly.Notebooks;

/// <summary>How far our Table 1 is from the paper's, for one metric.</summary>
public sealed record DifferenceSummary(string Metric, int Cells, double MeanOurs, double MeanPaper, double MeanDifference, double MeanAbsDifference, string RankAgreement);

/// <summary>One of the paper's findings, checked on our runs.</summary>
public sealed record ClaimCheck(string Claim, string Paper, string Ours, string Agrees);

/// <summary>One setting: what the paper used (or that it does not say) and what our runs used.</summary>
public sealed record SettingLine(string Setting, string Paper, string Ours);

/// <summary>
/// Our numbers beside the paper's (notebook 06): Table 1 cell by cell, summaries of the differences, the
/// paper's qualitative findings checked on our runs, and the settings that differ.
/// </summary>
public static class PaperComparison
{
    const string Natural = ImbalanceGrid.NaturalKey;

    /// <summary>Table 1 cells that both we and the paper have.</summary>
    public static IReadOnlyList<Table1Row> Cells(IReadOnlyList<RunResult> runs) => FigureCatalogue.Compared(Table1.Build(runs));

    public static IReadOnlyList<DifferenceSummary> Summary(IReadOnlyList<Table1Row> cells) =>
        Table1.Metrics.Except(Table1.ThresholdFreeMetrics).Select(metric =>
        {
            var rows = cells.Where(r => r.Metric == metric).ToList();
            if (rows.Count == 0) return new DifferenceSummary(Table1.Display(metric), 0, double.NaN, double.NaN, double.NaN, double.NaN, "–");
            var ours = rows.Select(r => r.Ours!.Value).ToArray();
            var paper = rows.Select(r => r.Paper!.Value).ToArray();
            var rho = Correlation.Spearman(ours, paper);
            return new DifferenceSummary(Table1.Display(metric), rows.Count, R(ours.Average()), R(paper.Average()),
                R(rows.Average(r => r.Difference!.Value)), R(rows.Average(r => Math.Abs(r.Difference!.Value))),
                double.IsNaN(rho) ? "undefined" : $"Spearman {rho.ToString("0.00", CultureInfo.InvariantCulture)} over {rows.Count} cells");
        }).ToList();

    /// <summary>Ours against the paper's, one point per Table 1 cell, one colour per metric; the diagonal is perfect agreement.</summary>
    public static PlotlyFigure Scatter(IReadOnlyList<Table1Row> cells) =>
        FigureCatalogue.PaperScatter.Chart(new FigureRuns([]) { Table = cells });

    /// <summary>Ours minus the paper's for one metric: rows method / backbone, columns train share; red below the paper, blue above.</summary>
    public static PlotlyFigure DifferenceHeatmap(IReadOnlyList<Table1Row> cells, Metric? metric = null) =>
        FigureCatalogue.PaperDifference.Chart(new FigureRuns([]) { Table = cells }, metric ?? Metric.F1);

    /// <summary>The paper's main findings, each measured on our runs on the natural split of the split they are read on
    /// (the held-out test split where they scored it: <see cref="RunResult.OnReportedSplit"/>), unless stated.</summary>
    public static IReadOnlyList<ClaimCheck> Claims(IReadOnlyList<RunResult> runs)
    {
        var done = runs.Where(r => r.IsCompleted).ToList();
        var claims = new List<ClaimCheck>();

        // 1. Supervised beats every SSL method.
        // The random-init floor is no SSL method: counting it would let the floor stand in for one.
        static bool IsSupervised(RunResult r) => MethodRegistry.KindOf(r.Method) == MethodKind.Supervised;
        static bool IsSsl(RunResult r) => MethodRegistry.IsSelfSupervised(r.Method);
        var cells = done.GroupBy(r => (r.Backbone, r.TrainDefectPct))
            .Where(g => g.Any(IsSupervised) && g.Any(IsSsl)).ToList();
        int supervisedBest = cells.Count(g => g.Where(IsSupervised).Max(F1) >= g.Where(IsSsl).Max(F1));
        // A ceiling below a classifier that sees no image did not learn: its cells say nothing about SSL.
        var notLearned = cells.Where(g => g.Where(IsSupervised).Max(F1) < g.Where(IsSupervised).Max(AlwaysDefectF1))
            .Select(g => $"{g.Key.Backbone} {g.Key.TrainDefectPct:0.##}%").ToList();
        string didNotLearn = notLearned.Count == 0 ? "" : $"; the supervised baseline did not learn (below always-defect) in {notLearned.Count}: {string.Join(", ", notLearned)}";
        claims.Add(new("The supervised baseline outperforms every SSL method",
            "at every train share, on both backbones (Table 1, Figure 4)",
            cells.Count == 0 ? "not measured (no supervised and SSL runs side by side)" : $"supervised has the best F1 in {supervisedBest} of {cells.Count} (backbone, train share) cells{didNotLearn}",
            Verdict(supervisedBest, cells.Count)));

        // 2. F1 falls as the validation set gets more imbalanced.
        var withGrid = done.Where(r => r.Metric("45", Metric.F1) is not null && LowestShare(r) is not null).ToList();
        int falls = withGrid.Count(r => r.Metric(LowestShare(r)!, Metric.F1) < r.Metric("45", Metric.F1));
        claims.Add(new("F1 falls as the validation defect share falls",
            "for every method (Figure 2: supervised, 5 % train: 0.865 at 45 %, 0.142 at 1 %)",
            withGrid.Count == 0 ? "not measured" : $"F1 at the rarest validation share is below F1 at 45 % in {falls} of {withGrid.Count} runs",
            Verdict(falls, withGrid.Count)));

        // 3. RankMe does not predict F1.
        var correlation = MonitoringViews.Correlations(done.Where(IsSsl).ToList(), replicates: 1000).FirstOrDefault(r => r.ValidationKey == Natural);
        string rankMe = correlation is null || double.IsNaN(correlation.Spearman) ? "not measured"
            : $"Spearman ρ {correlation.Spearman.ToString("0.00", CultureInfo.InvariantCulture)}, 95 % interval [{correlation.SpearmanInterval.Low.ToString("0.00", CultureInfo.InvariantCulture)}, {correlation.SpearmanInterval.High.ToString("0.00", CultureInfo.InvariantCulture)}] over {correlation.Runs} runs";
        string rankMeAgrees = correlation is null || double.IsNaN(correlation.SpearmanInterval.Low) ? "–"
            : correlation.SpearmanInterval.Low <= 0 && correlation.SpearmanInterval.High >= 0 ? "yes (interval includes 0)" : "no (interval excludes 0)";
        claims.Add(new("Final RankMe does not correlate with validation F1", "no correlation in the scatter plots (Figure 7)", "self-supervised runs: " + rankMe, rankMeAgrees));

        // 4. ResNet-18 reaches a higher RankMe than ViT-Tiny.
        var byBackbone = done.Where(r => r.Rankme is not null && IsSsl(r)).GroupBy(r => r.Backbone).ToDictionary(g => g.Key, g => g.Average(r => r.Rankme!.Value));
        bool both = byBackbone.ContainsKey("resnet18") && byBackbone.ContainsKey("vit-tiny");
        claims.Add(new("ResNet models reach a higher RankMe than ViT-Tiny", "consistently (Appendix D, Figures 6 and 7)",
            both ? $"mean final RankMe of the SSL runs: resnet18 {byBackbone["resnet18"]:0.0}, vit-tiny {byBackbone["vit-tiny"]:0.0}" : "not measured (one backbone in this profile)",
            both ? (byBackbone["resnet18"] > byBackbone["vit-tiny"] ? "yes" : "no") : "–"));
        return claims;
    }

    /// <summary>The settings the paper states (or leaves open) beside those of our runs.</summary>
    public static IReadOnlyList<SettingLine> Settings(NotebookExperiments experiments)
    {
        var c = experiments.Config("simclr", "resnet18", 5);
        string Optimiser(MethodSpec method)
        {
            var o = experiments.Config(method.Name, method.AcceptedBackbones[0], 5).Optimizer;
            return $"{o.Kind}, base lr {o.LearningRate.ToString("G3", CultureInfo.InvariantCulture)} per 256 images, weight decay {o.WeightDecay.ToString("G3", CultureInfo.InvariantCulture).ToLowerInvariant()}";
        }
        var lines = new List<SettingLine>
        {
            new("data", "Sewer-ML: real inspection videos, 1.04 M train / 130 k val frames",
                c.DataRoot is null ? $"embedded synthetic frames: {c.Embedded.Train:N0} train / {c.Embedded.Val:N0} val at {c.Embedded.Resolution} px" : $"Sewer-ML at {c.DataRoot}"),
            new("images per pretraining subset", "not stated", c.TrainSize.ToString("N0", CultureInfo.InvariantCulture)),
            new("images per evaluated subset", "not stated",
                $"{c.ValSize:N0} per share on validation{(c.TestSplit ? " and on the held-out test split" : "")} (natural split: {(c.ValNaturalSize > 0 ? c.ValNaturalSize.ToString("N0", CultureInfo.InvariantCulture) : "every")} frames)"),
            new("resolution", "224 px (Table 2)", $"{c.Resolution} px"),
        };
        // Every method's own budget: the supervised ceiling and BYOL train longer than the others on the CPU profiles.
        lines.AddRange(MethodRegistry.All.SelectMany(m => m.AcceptedBackbones.Select(b => (m, b))).Select(x =>
        {
            var config = experiments.Config(x.m.Name, x.b, 5);
            int steps = config.TrainSize / config.BatchSize * config.Epochs;
            return new SettingLine($"pretraining: {x.m.Name} {x.b}", "not stated", $"{config.Epochs} epochs of {config.TrainSize:N0} images, batch {config.BatchSize} ({steps} steps)");
        }));
        lines.AddRange(MethodRegistry.All.Select(m => new SettingLine($"optimiser: {m.Name}", "not stated", Optimiser(m))));
        lines.AddRange(
        [
            new("heads (projector, DINO, MAE decoder)", "not stated", c.Method == MethodRegistry.Of(c.Method).Defaults ? "the methods' usual sizes (docs/architecture.md, Method defaults)" : "shrunk for small CPU runs (see config.json)"),
            new("augmentations", "crop min_scale 0.395, jitter t_val 0.275 (App. A)", $"min_scale {c.Augmentation.MinScale}, t_val {c.Augmentation.TVal}, plus each method's blur/solarisation"),
            new("linear probe", "frozen features, loss weighted by the defect share", $"weighted logistic regression, L-BFGS, {c.Probe.MaxIterations} iterations"),
            new("seeds", "not stated", Profiles.Headline(experiments.Profile) is { } headline
                ? $"{headline.Seeds} in the headline cells ({string.Join(", ", headline.Backbones)} at {string.Join(" and ", headline.TrainShares.Select(p => $"{p:0.##} %"))}), one elsewhere"
                : "one per cell (seed 0)"),
            new("device", "GPU", experiments.Profile == Profiles.Paper ? "GPU" : "CPU"),
        ]);
        return lines;
    }

    static double F1(RunResult r) => r.Metric(Natural, Metric.F1) ?? double.NegativeInfinity;

    static double AlwaysDefectF1(RunResult r) =>
        r.Trivial.TryGetValue(TrivialClassifiers.AlwaysDefect, out var byKey) && byKey.TryGetValue(Natural, out var m) ? m.F1 : double.NegativeInfinity;

    /// <summary>The rarest controlled validation share a run was probed on ("1", "2", "5"...), below 45 %.</summary>
    static string? LowestShare(RunResult r) =>
        r.Metrics.Keys.Where(k => k != Natural && double.TryParse(k, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v < 45)
            .OrderBy(k => double.Parse(k, CultureInfo.InvariantCulture)).FirstOrDefault();

    static string Verdict(int agreeing, int total) =>
        total == 0 ? "–" : agreeing == total ? "yes" : agreeing == 0 ? "no" : agreeing * 2 > total ? "mostly" : agreeing * 2 == total ? "half the time" : "mostly not";

    static double R(double v) => Math.Round(v, 3);
}
