using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Data;
using SslAnomaly.Eval;
using Spectre.Console;

namespace SslAnomaly.Cli.Commands;

/// <summary>
/// `ssl-anomaly metrics --truth SewerML_Val.csv --pred predictions.csv [--json]`: the official Sewer-ML
/// metrics (threshold 0.5) of any model's prediction file, joined to the annotations by Filename.
/// </summary>
public static class MetricsCommand
{
    public static Command Create()
    {
        var truth = new Option<FileInfo>("--truth") { Description = "Sewer-ML annotation file with Filename and the 17 code columns (e.g. SewerML_Val.csv).", Required = true };
        var pred = new Option<FileInfo>("--pred") { Description = "Predictions: Filename plus one probability column per code, or a single Defect probability column.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the metrics as one JSON object (snake_case keys) instead of tables." };
        var command = new Command("metrics", "Score a prediction file with the official Sewer-ML metrics (F2_CIW, F1_Normal, defect F1/F2, precision, recall, AUROC, AUPRC).")
        {
            truth, pred, json,
        };
        command.SetAction(result => Run(result.GetValue(truth)!.FullName, result.GetValue(pred)!.FullName, result.GetValue(json), Console.Out));
        return command;
    }

    public static int Run(string truthPath, string predictionsPath, bool asJson, TextWriter output)
    {
        var truth = TruthTable.Read(truthPath);
        var predictions = PredictionCsv.Read(predictionsPath);
        var scores = predictions.AlignTo(truth.Filenames, Path.GetFileName(truthPath));
        var report = MetricsReport.From(DefectMetrics.Compute(truth.Truth, scores));
        string kind = scores.IsMultiLabel ? "multi_label" : "binary";

        if (asJson)
        {
            var node = JsonSerializer.SerializeToNode(report, EvalJson.Options)!.AsObject();
            node["prediction_kind"] = kind;
            node["threshold"] = EvaluationSet.OfficialThreshold;
            output.WriteLine(node.ToJsonString(EvalJson.Options));
            return 0;
        }

        // Plain text when piped or captured: escape codes would end up in files.
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        console.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(predictionsPath))}[/] against [bold]{Markup.Escape(Path.GetFileName(truthPath))}[/]: " +
            $"{report.N} images, {report.Positives} defects ({report.DefectPct:F2} %), {kind.Replace('_', '-')} predictions, threshold {EvaluationSet.OfficialThreshold}");
        var main = new Table().AddColumn("Metric").AddColumn(new TableColumn("Value").RightAligned());
        foreach (var (label, value) in new (string, double?)[]
        {
            ("F2_CIW", report.F2Ciw), ("F1_Normal", report.F1Normal), ("F1 (defect)", report.F1), ("F2 (defect)", report.F2),
            ("Precision (defect)", report.Precision), ("Recall (defect)", report.Recall), ("AUROC", report.Auroc), ("AUPRC", report.Auprc),
        })
            main.AddRow(label, Format(value));
        console.Write(main);

        var perCode = new Table().AddColumn("Code").AddColumn(new TableColumn("CIW").RightAligned()).AddColumn(new TableColumn("F2").RightAligned());
        for (int k = 0; k < SewerMlCodes.Codes.Count; k++)
        {
            var code = SewerMlCodes.Codes[k];
            perCode.AddRow(code, SewerMlCodes.ClassImportanceWeights[k].ToString("F4", CultureInfo.InvariantCulture), Format(report.F2PerCode![code]));
        }
        console.Write(perCode);
        return 0;
    }

    static string Format(double? v) => v is double d ? d.ToString("F4", CultureInfo.InvariantCulture) : "undefined";
}
