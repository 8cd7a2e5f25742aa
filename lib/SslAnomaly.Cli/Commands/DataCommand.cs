using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SslAnomaly.Data;
using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Cli.Commands;

/// <summary>`ssl-anomaly data manifest|synth|check`: controlled-imbalance subsets and the embedded dataset.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Sewer-ML data: controlled-imbalance manifests, the embedded synthetic dataset, checks.");
        data.Subcommands.Add(Manifest());
        data.Subcommands.Add(Synth());
        data.Subcommands.Add(Check());
        return data;
    }

    static Command Manifest()
    {
        var root = CliOptions.Required("--data-root", "Folder with SewerML_Train.csv / SewerML_Val.csv and the images (flat or Train/, Val/).");
        var split = new Option<string?>("--split") { Description = "train, val or test (test needs a labelled annotation file)." };
        var pct = new Option<string?>("--defect-pct") { Description = "Defect share in percent (e.g. 1, 2, 5, 15, 45, 0.5), or 'natural' for the split as it is." };
        var size = new Option<int?>("--size") { Description = "Images in the subset (default: as many as the share allows; natural: the whole split)." };
        var seed = new Option<long>("--seed") { Description = "Seed of the selection.", DefaultValueFactory = _ => 0 };
        var name = new Option<string?>("--name") { Description = "Name recorded in the manifest." };
        var spec = new Option<string?>("--spec") { Description = "A spec file (data-manifests/…/*.spec.json) instead of --split/--defect-pct/--size/--seed; its expected CSV SHA-256 is checked." };
        var noImageCheck = new Option<bool>("--no-image-check") { Description = "Do not check that the selected images exist." };
        var output = CliOptions.Required("--out", "Manifest file to write (atomically; nothing is written on error).");
        var command = new Command("manifest", "Write a manifest: a deterministic subset of a split with a given defect share and size.")
        {
            root, split, pct, size, seed, name, spec, noImageCheck, output,
        };
        command.SetAction(r =>
        {
            ManifestSpec request;
            if (r.GetValue(spec) is { } specPath)
            {
                if (r.GetValue(split) is not null || r.GetValue(pct) is not null || r.GetValue(size) is not null)
                    throw new UserInputException("--spec already says split, share and size: do not combine it with --split, --defect-pct or --size");
                request = ManifestSpec.Read(specPath);
            }
            else
            {
                var splitValue = r.GetValue(split) ?? throw new UserInputException("--split is required (train, val or test), or give --spec");
                var pctValue = r.GetValue(pct) ?? throw new UserInputException("--defect-pct is required (a percentage or 'natural'), or give --spec");
                request = new ManifestSpec(r.GetValue(name), SewerMlSplits.Parse(splitValue), ManifestSpec.ParseDefectPct(pctValue), r.GetValue(size), r.GetValue(seed));
            }
            var outPath = r.GetValue(output)!;
            var manifest = request.Materialise(SewerMlDataRoot.Open(r.GetValue(root)!), verifyImages: !r.GetValue(noImageCheck));
            var sha = manifest.Write(outPath);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {outPath}: {manifest.Size} images of the {manifest.Split.Id()} split, {manifest.DefectCount} defective ({manifest.ActualDefectPct:0.##} %), seed {manifest.Seed}"));
            Console.WriteLine($"manifest sha256 {sha}");
            return 0;
        });
        return command;
    }

    static Command Synth()
    {
        var output = CliOptions.Required("--out", "Folder to create (must not exist or be empty).");
        var train = new Option<int>("--train") { Description = "Training frames.", DefaultValueFactory = _ => new SyntheticSewerOptions().Train };
        var val = new Option<int>("--val") { Description = "Validation frames.", DefaultValueFactory = _ => new SyntheticSewerOptions().Val };
        var test = new Option<int>("--test") { Description = "Held-out test frames (labelled).", DefaultValueFactory = _ => new SyntheticSewerOptions().Test };
        var resolution = new Option<int>("--resolution") { Description = "Frame size in pixels (square).", DefaultValueFactory = _ => new SyntheticSewerOptions().Resolution };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed gives byte-identical files.", DefaultValueFactory = _ => 0 };
        var defectScale = new Option<double>("--defect-scale")
        {
            Description = "Size multiplier of the defects (labels unchanged): 1 is the v1 look; CPU profiles use more at small resolutions.",
            DefaultValueFactory = _ => new SyntheticSewerOptions().DefectScale,
        };
        var command = new Command("synth", "Render the embedded sewer-like dataset in Sewer-ML's format (CSV columns, PNG frames).")
        {
            output, train, val, test, resolution, seed, defectScale,
        };
        command.SetAction(r =>
        {
            var options = new SyntheticSewerOptions
            {
                Train = r.GetValue(train), Val = r.GetValue(val), Test = r.GetValue(test), Resolution = r.GetValue(resolution), Seed = r.GetValue(seed),
                DefectScale = r.GetValue(defectScale),
            };
            var outDir = r.GetValue(output)!;
            SyntheticSewerSummary summary;
            if (Console.IsOutputRedirected)
            {
                summary = SyntheticSewer.Generate(outDir, options);
            }
            else
            {
                SyntheticSewerSummary? result = null;
                AnsiConsole.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("rendering frames", maxValue: options.Train + options.Val + options.Test);
                    result = SyntheticSewer.Generate(outDir, options, new Progress<int>(n => task.Value = n));
                    task.Value = task.MaxValue;
                });
                summary = result!;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {summary.Root}: train {summary.Train} ({summary.TrainDefects} defective), val {summary.Val} ({summary.ValDefects} defective), test {summary.Test} ({summary.TestDefects} defective), {summary.Resolution} px, seed {summary.Seed}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{summary.Train + summary.Val + summary.Test} frames in {summary.Seconds:0.0} s ({summary.ImagesPerSecond:0} images/s)"));
            return 0;
        });
        return command;
    }

    static Command Check()
    {
        var root = CliOptions.Required("--data-root", "Folder with the annotation files and images.");
        var splits = new Option<string[]>("--split") { Description = "Splits to check (default: train, val, and test where its annotation file exists).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("check", "Validate annotation files (columns, 0/1 values, duplicates, Defect vs codes) and that every image exists.")
        {
            root, splits,
        };
        command.SetAction(r =>
        {
            var dataRoot = SewerMlDataRoot.Open(r.GetValue(root)!);
            var names = r.GetValue(splits) is { Length: > 0 } s ? s
                : File.Exists(Path.Combine(dataRoot.Root, SewerMlSplit.Test.CsvFileName())) ? ["train", "val", "test"] : ["train", "val"];
            foreach (var split in names.Select(SewerMlSplits.Parse))
            {
                var table = dataRoot.ReadTable(split, requireLabels: split != SewerMlSplit.Test);
                dataRoot.ImagePaths(split, table.Filenames);
                var labels = table.HasLabels
                    ? string.Create(CultureInfo.InvariantCulture, $"{table.DefectCount} defective ({100.0 * table.DefectCount / Math.Max(1, table.Count):0.##} %)")
                    : "no labels";
                Console.WriteLine($"{split.Id()}: {table.Count} images, {labels}, all images present in {dataRoot.ImageFolder(split)}");
            }
            return 0;
        });
        return command;
    }
}
