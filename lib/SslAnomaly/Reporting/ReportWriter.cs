using System.Net;
using System.Text;
using System.Text.Json;
using SslAnomaly.Experiments;
using SslAnomaly.Util;

namespace SslAnomaly.Reporting;

/// <summary>
/// Writes a report folder from finished runs: Table 1 (CSV, markdown), the table without defect labels
/// (<see cref="OneClassTable"/>, <see cref="OneClassFindings"/>), the ablations' Table 2 and Figure 3 where their runs are
/// given (<see cref="AblationRuns"/>), every figure of <see cref="FigureCatalogue"/> the runs can draw as offline Plotly HTML
/// (plotly.js written once beside them), an index.html that shows everything, and runs.json listing every run that fed a
/// number (folder, seed, manifest hash) so each figure traces back to its runs.
/// </summary>
public sealed class ReportWriter(string outDir)
{
    /// <summary>The report's sub-folder for the label-free section (<c>Analysis.LabelFreeReport</c> writes it). The report's
    /// layout is this class's to name, so the index can link the section without knowing the analysis behind it.</summary>
    public const string LabelFreeFolder = "label-free";

    /// <param name="given">Runs as read from their folders; the report shows the split <see cref="RunResult.ReportedSplit"/> picks
    /// (the held-out test split when every run scored it), with Table 1 on validation beside it. The ablation grids' runs
    /// among them feed Table 2 and Figure 3 alone, on validation as the paper shows them: they are how settings were chosen.</param>
    public string Write(IReadOnlyList<RunResult> given)
    {
        if (given.Count == 0) throw new UserInputException("no finished runs (result.json) were found: nothing to report.");
        var (read, ablations) = AblationRuns.Separate(given);
        Directory.CreateDirectory(outDir);
        Directory.CreateDirectory(Path.Combine(outDir, "figures"));
        var split = RunResult.ReportedSplit(read);
        var runs = read.Select(r => r.On(split)).ToList();

        // Table 1 and the heatmaps show the paper's setting (probe at the train share); fixed-probe runs get their own panel.
        var floors = FloorComparisons.Compute(runs, FloorBootstrap, Console.Error);
        var table = Table1.Build(runs, floors: floors);
        AtomicFile.WriteAllText(Path.Combine(outDir, "table1.csv"), Table1.ToCsv(table));
        AtomicFile.WriteAllText(Path.Combine(outDir, "table1.md"), Table1.ToMarkdown(table));
        // The validation numbers beside the test ones: the split settings were chosen on, so never the evidence.
        IReadOnlyList<Table1Row>? validationTable = null;
        if (split != Data.SewerMlSplit.Val)
        {
            validationTable = Table1.Build(read, floors: FloorComparisons.Compute(read, FloorBootstrap, Console.Error, [Eval.ImbalanceGrid.NaturalKey]));
            AtomicFile.WriteAllText(Path.Combine(outDir, ValidationTableFile + ".csv"), Table1.ToCsv(validationTable));
            AtomicFile.WriteAllText(Path.Combine(outDir, ValidationTableFile + ".md"), Table1.ToMarkdown(validationTable));
        }
        AtomicFile.WriteAllText(Path.Combine(outDir, FloorComparisonsFile), FloorJson(runs, floors).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(Path.Combine(outDir, PlotlyHtml.ScriptFile), PlotlyHtml.PlotlyJs);

        // Without defect labels: the detectors beside the probe, on the natural subset of the reported split.
        var oneClass = OneClassTable.Build(runs);
        if (oneClass.Count > 0)
        {
            AtomicFile.WriteAllText(Path.Combine(outDir, OneClassTable.CsvFile), OneClassTable.ToCsv(oneClass));
            AtomicFile.WriteAllText(Path.Combine(outDir, OneClassTable.MarkdownFile), OneClassTable.ToMarkdown(oneClass, Figures.SplitName(runs)));
        }

        var ablationTables = WriteAblationTables(ablations);

        // The answer in words, from the same cells as the headline figure, each sentence naming its run folders.
        var headline = HeadlineFindings.Compute(table, Figures.SplitName(runs), (method, share) => runs
            .Where(r => r.IsCompleted && r.Method == method && r.Backbone == HeadlineFigure.Backbone && r.TrainDefectPct == share)
            .Select(r => Path.GetFileName(r.RunDirectory)).ToList());
        if (headline.Count > 0)
            AtomicFile.WriteAllText(Path.Combine(outDir, HeadlineFindings.MarkdownFile), HeadlineFindings.ToMarkdown(headline, "runs"));

        var figures = FigureCatalogue.DrawReport(FigureRuns.ForReport(runs, floors, table, ablations));
        foreach (var f in figures)
            AtomicFile.WriteAllText(Path.Combine(outDir, "figures", f.Name + ".html"), PlotlyHtml.Page(f.Chart, f.Title, "../" + PlotlyHtml.ScriptFile));
        AtomicFile.WriteAllText(Path.Combine(outDir, "runs.json"), JsonSerializer.Serialize(
            runs.Concat(ablations.Runs).Select(r => new { r.RunDirectory, r.Method, r.Backbone, r.TrainDefectPct, r.Seed, r.Status, r.FailureReason, r.ManifestSha256 }),
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        var index = Path.Combine(outDir, "index.html");
        AtomicFile.WriteAllText(index, Index(runs, table, validationTable, figures, F2Reading.Compare(runs), oneClass, OneClassFindings.Compute(runs),
            ablationTables, File.Exists(Path.Combine(outDir, LabelFreeFolder, "index.html")), headline));
        return index;
    }

    /// <summary>Table 2 and the table of Figure 3 (.csv, .md) where their runs were given; the markdown of each, for the index.</summary>
    IReadOnlyList<(string Heading, string File, string Markdown)> WriteAblationTables(AblationRuns ablations)
    {
        var tables = new List<(string Heading, string File, string Markdown)>();
        if (ablations.Resolution.Count > 0)
        {
            var lines = AblationRuns.ResolutionTable(ablations.Resolution);
            tables.Add(("Table 2: F1 by input resolution (supervised, no augmentation but the resize), ours beside the paper's best validation F1",
                AblationRuns.ResolutionFile, AblationRuns.ResolutionMarkdown(lines)));
            AtomicFile.WriteAllText(Path.Combine(outDir, AblationRuns.ResolutionFile + ".csv"), AblationRuns.ResolutionCsv(lines));
        }
        if (ablations.Augmentation.Count > 0)
        {
            var lines = AblationRuns.AugmentationTable(ablations.Augmentation);
            tables.Add(("Figure 3 as a table: the supervised resnet18 by min_scale and t_val", AblationRuns.AugmentationFile, AblationRuns.AugmentationMarkdown(lines)));
            AtomicFile.WriteAllText(Path.Combine(outDir, AblationRuns.AugmentationFile + ".csv"), AblationRuns.AugmentationCsv(lines));
        }
        foreach (var (_, file, markdown) in tables)
            AtomicFile.WriteAllText(Path.Combine(outDir, file + ".md"), markdown);
        return tables;
    }

    /// <summary>The id of index.html's section without defect labels (the one-class table and the findings).</summary>
    public const string OneClassSection = "without-defect-labels";

    /// <summary>Table 1 on the validation split (.csv, .md), written beside table1.* when the report shows test.</summary>
    public const string ValidationTableFile = "table1-validation";

    /// <summary>Every floor comparison the report shows, by family (Table 1, then each heatmap), with p, q and the verdict:
    /// the comparisons need two runs (a method and its floor), so they live here rather than in either run's result.json.</summary>
    public const string FloorComparisonsFile = "floor-comparisons.json";

    static System.Text.Json.Nodes.JsonObject FloorJson(IReadOnlyList<RunResult> runs, FloorComparisons floors)
    {
        var main = ReferenceRows.With(Table1.PaperSetting(runs));
        var families = new List<FloorFamily> { Table1.FloorFamily(runs, floors) };
        foreach (var backbone in runs.Select(r => r.Backbone).Distinct().Order(StringComparer.Ordinal))
            families.AddRange(FigureCatalogue.HeatmapMetrics.Select(metric => Figures.HeatmapFamily(main, backbone, metric, floors)));
        return new System.Text.Json.Nodes.JsonObject
        {
            ["families"] = new System.Text.Json.Nodes.JsonArray(families.Select(f => (System.Text.Json.Nodes.JsonNode)f.ToJson()).ToArray()),
        };
    }

    /// <summary>Replicates of the paired bootstrap against the floor (one evaluation per replicate serves every metric).</summary>
    public static int FloorBootstrapReplicates { get; set; } = 1000;
    static Eval.BootstrapOptions FloorBootstrap => new(FloorBootstrapReplicates);

    /// <summary>Every figure of the catalogue the runs can draw, as the report draws them (<see cref="FigureCatalogue.DrawReport"/>).</summary>
    public static IReadOnlyList<DrawnFigure> BuildFigures(IReadOnlyList<RunResult> runs, FloorComparisons? floors = null) =>
        FigureCatalogue.DrawReport(FigureRuns.ForReport(runs, floors));

    /// <summary>
    /// Where the runs computed and whether the kernel check found a wrong kernel in any of them: a remedy in force is
    /// named with its runs, since a wrong kernel changes the network a number belongs to.
    /// </summary>
    public static string NumericsSentence(IReadOnlyList<RunResult> runs)
    {
        var checkedRuns = runs.Where(r => r.Numerics is not null).ToList();
        if (checkedRuns.Count == 0) return "Numerics: no run records a kernel check (they predate it).";
        var cpus = checkedRuns.Select(r => $"{r.Numerics!.Cpu} (family {r.Numerics.CpuFamily} model {r.Numerics.CpuModel}, {r.Numerics.CpuCapability})").Distinct().Order();
        var remedied = checkedRuns.Where(r => !r.Numerics!.Clean).ToList();
        string unchecked_ = checkedRuns.Count < runs.Count ? $" {runs.Count - checkedRuns.Count} runs predate the check." : "";
        if (remedied.Count == 0)
            return $"Numerics: every op of {checkedRuns.Count} runs passed the kernel check against float64 on libtorch's own kernels, on {string.Join(", ", cpus)}.{unchecked_}";
        var remedies = remedied.SelectMany(r => r.Numerics!.Failures).Select(f => $"{f.Op} -> {f.Remedy}").Distinct().Order();
        return $"Numerics: {remedied.Count} of {checkedRuns.Count} runs met a wrong libtorch kernel and ran those ops on a remedy that passed the same " +
               $"check ({string.Join("; ", remedies)}), on {string.Join(", ", cpus)}: " +
               $"{string.Join(", ", remedied.Select(r => $"{r.Method}/{r.Backbone}/{r.TrainDefectPct:0.##}%"))}.{unchecked_}";
    }

    static string Index(IReadOnlyList<RunResult> runs, IReadOnlyList<Table1Row> table, IReadOnlyList<Table1Row>? validationTable, IReadOnlyList<DrawnFigure> figures,
        F2ReadingComparison f2Reading, IReadOnlyList<OneClassRow> oneClass, OneClassFindings findings,
        IReadOnlyList<(string Heading, string File, string Markdown)> ablationTables, bool labelFree, IReadOnlyList<HeadlineSentence> headline)
    {
        var s = new StringBuilder();
        s.AppendLine("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>SSL anomaly detection: report</title>");
        s.AppendLine($"<script src=\"{PlotlyHtml.ScriptFile}\"></script>");
        s.AppendLine("<style>body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}</style></head><body>");
        int completed = runs.Count(r => r.IsCompleted);
        s.AppendLine($"<h1>SSL anomaly detection under controlled imbalance</h1><p>{completed} completed and {runs.Count - completed} failed runs. {WebUtility.HtmlEncode(SplitSentence(runs))} " +
                     "Table 1 is measured on the natural split; cells show ours [95 % interval] (paper).</p>");
        foreach (var sentence in headline)
            s.AppendLine($"<p><b>{WebUtility.HtmlEncode(sentence.Text)}</b><br><small>runs: {WebUtility.HtmlEncode(string.Join(", ", sentence.Runs))}</small></p>");
        s.AppendLine($"<p>{WebUtility.HtmlEncode(Table1.Legend)} Reference rows: always-defect and prior see no image (computed from the labels), " +
                     "random-init probes the untrained backbone, supervised-head scores the supervised model with its own trained head. " +
                     $"Every floor comparison with its difference, interval, p, q and verdict: <a href=\"{FloorComparisonsFile}\">{FloorComparisonsFile}</a>.</p>");
        s.AppendLine($"<p>F2 reading: {WebUtility.HtmlEncode(f2Reading.Sentence)}</p>");
        if (labelFree)
            s.AppendLine($"<p>Beyond the paper: <a href=\"{LabelFreeFolder}/index.html\">which label-free metric predicts F1, choosing a model without labels, and the probe under an unknown defect share</a>.</p>");
        foreach (var (verdict, words) in new[] { (Eval.FloorVerdict.Worse, "worse than"), (Eval.FloorVerdict.CannotTell, "that cannot be told apart from") })
        {
            var cells = table.Where(r => r.Metric == "f1" && r.Floor == verdict).Select(r => $"{r.Method}/{r.Backbone}/{r.TrainDefectPct:0.##}%").ToList();
            if (cells.Count > 0)
                s.AppendLine($"<p>F1 cells {words} the random-init floor (Table 1's family, q &lt; 0.05 for a verdict): {WebUtility.HtmlEncode(string.Join(", ", cells))}.</p>");
        }
        s.AppendLine($"<p>{WebUtility.HtmlEncode(NumericsSentence(runs))}</p>");
        foreach (var failed in runs.Where(r => !r.IsCompleted))
            s.AppendLine($"<p>failed: {WebUtility.HtmlEncode($"{failed.Method}/{failed.Backbone}/{failed.TrainDefectPct}%: {failed.FailureReason}")}</p>");
        string splitName = Figures.SplitName(runs);
        foreach (var metric in Table1.Metrics)
            TableHtml(s, $"Table 1: {Table1.Display(metric)} ({splitName})", table.Where(r => r.Metric == metric).ToList());
        if (validationTable is not null)
        {
            s.AppendLine($"<h2>Table 1 on validation</h2><p>The split every setting was chosen on, so not evidence: shown to compare with test " +
                         $"(<a href=\"{ValidationTableFile}.csv\">{ValidationTableFile}.csv</a>).</p>");
            foreach (var metric in Table1.Metrics)
                TableHtml(s, $"Table 1: {Table1.Display(metric)} (validation)", validationTable.Where(r => r.Metric == metric).ToList());
        }
        if (oneClass.Count > 0)
        {
            s.AppendLine($"<h2 id=\"{OneClassSection}\">Without defect labels: one-class detectors beside the probe</h2>");
            s.AppendLine("<p>kNN and Mahalanobis detectors on the frozen features, each learning \"normal\" from a clean or a contaminated reference " +
                         $"pool with a threshold chosen without labels, and the probe trained on few labelled defects (docs/one-class.md; " +
                         $"<a href=\"{OneClassTable.CsvFile}\">{OneClassTable.CsvFile}</a>).</p>");
            s.AppendLine(MarkdownHtml.ToHtml(OneClassTable.ToMarkdown(oneClass, splitName), headingShift: 1));
            s.AppendLine("<h3>What these runs say</h3>");
            foreach (var paragraph in findings.Paragraphs())
                s.AppendLine($"<p>{WebUtility.HtmlEncode(paragraph)}</p>");
        }
        if (ablationTables.Count > 0)
            s.AppendLine("<h2 id=\"ablations\">Ablations of the paper's Appendix A</h2><p>The supervised baseline on the validation split, where the " +
                         "paper chose its resolution and augmentations; their figures follow with the others.</p>");
        foreach (var (heading, file, markdown) in ablationTables)
            s.AppendLine($"<h3>{WebUtility.HtmlEncode(heading)}</h3><p><a href=\"{file}.csv\">{file}.csv</a></p>\n{MarkdownHtml.ToHtml(markdown)}");
        foreach (var f in figures)
            s.AppendLine($"<h2>{WebUtility.HtmlEncode(f.Title)}</h2>\n{PlotlyHtml.Fragment(f.Chart)}");
        s.AppendLine("</body></html>");
        return s.ToString();
    }

    static void TableHtml(StringBuilder s, string heading, IReadOnlyList<Table1Row> rows)
    {
        var shares = rows.Select(r => r.TrainDefectPct).Distinct().Order().ToList();
        s.AppendLine($"<h2>{WebUtility.HtmlEncode(heading)}</h2><table><tr><th>method</th><th>backbone</th>{string.Concat(shares.Select(p => $"<th>{p:0.##} %</th>"))}</tr>");
        foreach (var g in rows.GroupBy(r => (r.Method, r.Backbone)))
            s.AppendLine($"<tr><th>{g.Key.Method}</th><th>{g.Key.Backbone}</th>{string.Concat(shares.Select(p => g.FirstOrDefault(r => r.TrainDefectPct == p) is { } r ? $"<td>{WebUtility.HtmlEncode(Table1.Cell(r))}</td>" : "<td></td>"))}</tr>");
        s.AppendLine("</table>");
    }

    /// <summary>Which split the report's numbers come from, and why.</summary>
    public static string SplitSentence(IReadOnlyList<RunResult> runs) => runs.FirstOrDefault()?.ScoredSplit == Data.SewerMlSplit.Test
        ? "Every number, mark and finding is measured on the held-out test split, which no setting was chosen on; Table 1 on validation follows for comparison."
        : $"Numbers are measured on the validation split, the one settings were chosen on: {runs.Count(r => r.IsCompleted && !r.Scored(Data.SewerMlSplit.Test))} " +
          "completed runs have no test scores (they predate the test split or ran with test_split=false), so they are not evidence for a setting chosen on them.";

}
