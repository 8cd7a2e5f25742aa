using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// A Sewer-ML root with a missing, empty, truncated or undecodable image, or a filename that escapes the root: one clear
/// error naming the file and its CSV row (exit 2, nothing written), or with --skip-bad-images a completed run whose
/// result.json counts and names what it left out. The damaged images are the first of the training subset, so the
/// failing runs stop before training (the monitoring sample reads them first).
/// </summary>
[Collection(EndToEnd.Name)]
public class BadImageEndToEndTests(ITestOutputHelper output)
{
    static readonly string[] DamageKinds = ["missing", "empty", "truncated", "undecodable"];

    public static TheoryData<string> Damages() => new(DamageKinds);

    sealed record Root(string Path, string[] Images, string[] Rows);

    /// <summary>A fresh Sewer-ML-format root and the first training images of a seed-0 run (in loader order), with their CSV rows.</summary>
    static Root MakeRoot(TempDir dir)
    {
        var root = dir.File("sewer");
        SyntheticSewer.Generate(root, new SyntheticSewerOptions { Train = 200, Val = 120, Test = 120, Resolution = 32 });
        var table = SewerMlCsv.Read(System.IO.Path.Combine(root, "SewerML_Train.csv"), requireLabels: true);
        var rows = ImbalancedSubset.Select(table, 15, 32, seed: 0).Take(4).ToArray();
        var images = SewerMlDataRoot.Open(root).ImagePaths(SewerMlSplit.Train, rows.Select(r => table.Filenames[r]).ToList());
        return new Root(root, images, rows.Select(table.RowLocation).ToArray());
    }

    static void Damage(string image, string how)
    {
        var bytes = File.ReadAllBytes(image);
        switch (how)
        {
            case "missing": File.Delete(image); break;
            case "empty": File.WriteAllBytes(image, []); break;
            case "truncated": File.WriteAllBytes(image, bytes[..(bytes.Length / 2)]); break;
            case "undecodable": File.WriteAllText(image, "this is not a PNG"); break;
            default: throw new ArgumentException(how);
        }
    }

    static string[] Args(string root, string outDir, params string[] extra) =>
        ["run", "--method", "supervised", "--backbone", "vit-tiny", "--train-defect-pct", "15", "--profile", "smoke",
         "--data-root", root, "--out", outDir, .. ResumeEndToEndTests.Sets.SelectMany(s => new[] { "--set", s }), .. extra];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_bad_image_is_one_error_naming_the_file_and_its_csv_row(string how)
    {
        using var dir = new TempDir();
        var root = MakeRoot(dir);
        Damage(root.Images[0], how);
        var run = dir.File("run");
        var r = CliProcess.Run(Args(root.Path, run));
        output.WriteLine(r.All);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(root.Images[0], line);
        Assert.Contains(root.Rows[0], line);
        Assert.Contains("--skip-bad-images", line);
        Assert.DoesNotContain("   at ", r.All); // no stack trace
        Assert.False(File.Exists(System.IO.Path.Combine(run, RunDirectory.ResultFile)));
    }

    [Fact]
    public void With_skip_bad_images_the_run_completes_and_result_json_counts_what_was_skipped()
    {
        using var dir = new TempDir();
        var root = MakeRoot(dir);
        var damages = DamageKinds;
        for (int i = 0; i < damages.Length; i++) Damage(root.Images[i], damages[i]);
        var run = dir.File("run");
        var r = CliProcess.Run(Args(root.Path, run, "--skip-bad-images"));
        output.WriteLine(r.All);
        Assert.True(r.ExitCode == 0, r.All);
        var result = RunEvidence.Result(run);
        Assert.Equal("completed", result["status"]!.GetValue<string>());
        Assert.Equal(4, result["skipped_images"]!.GetValue<int>());
        var files = result["skipped_image_files"]!.AsArray().Select(f => f!.GetValue<string>()).ToList();
        for (int i = 0; i < damages.Length; i++)
            Assert.Contains(files, f => f.StartsWith(root.Images[i] + ":", StringComparison.Ordinal) && f.Contains(root.Rows[i]));
    }

    [Theory]
    [InlineData("../outside.png", "would escape the data root")]
    [InlineData("/etc/passwd", "absolute paths are not allowed")]
    public void An_image_path_that_escapes_the_data_root_is_refused(string filename, string reason)
    {
        using var dir = new TempDir();
        var root = MakeRoot(dir);
        File.Copy(root.Images[1], dir.File("outside.png")); // the escape target exists: only the check can stop it
        var csv = System.IO.Path.Combine(root.Path, "SewerML_Train.csv");
        var name = System.IO.Path.GetFileName(root.Images[0]);
        File.WriteAllText(csv, File.ReadAllText(csv).Replace(name + ",", filename + ","));
        var run = dir.File("run");
        var r = CliProcess.Run(Args(root.Path, run));
        output.WriteLine(r.All);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains($"{csv}:{root.Rows[0].Split(':').Last()}", line);
        Assert.Contains(reason, line);
        Assert.False(File.Exists(System.IO.Path.Combine(run, RunDirectory.ResultFile)));
    }
}
