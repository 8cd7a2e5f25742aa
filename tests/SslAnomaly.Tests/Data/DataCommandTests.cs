using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Tests.Data;

/// <summary>The real `ssl-anomaly data ...` commands, run as a child process.</summary>
public class DataCommandTests
{
    [Fact]
    public void Manifest_with_a_missing_column_fails_naming_it_and_writes_nothing()
    {
        using var dir = new TempDir();
        var header = string.Join(',', SewerMlCsv.Columns.Where(c => c != "FS"));
        File.WriteAllText(dir.File("SewerML_Train.csv"), header + "\n");
        var outFile = dir.File("out.json");

        var r = CliProcess.Run("data", "manifest", "--data-root", dir.Path, "--split", "train", "--defect-pct", "5", "--size", "10", "--seed", "1", "--out", outFile);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("missing required column 'FS'", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Equal(["SewerML_Train.csv"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Synth_then_manifest_end_to_end()
    {
        using var dir = new TempDir();
        var data = dir.File("synth");
        var synth = CliProcess.Run("data", "synth", "--out", data, "--train", "40", "--val", "10", "--resolution", "32", "--seed", "2");
        Assert.True(synth.ExitCode == 0, synth.All);
        Assert.Contains("train 40", synth.Stdout);

        var outFile = dir.File("m.json");
        var ok = CliProcess.Run("data", "manifest", "--data-root", data, "--split", "train", "--defect-pct", "10", "--size", "20", "--seed", "1", "--out", outFile);
        Assert.True(ok.ExitCode == 0, ok.All);
        var manifest = Manifest.Read(outFile);
        Assert.Equal((20, 2), (manifest.Size, manifest.DefectCount));
        Assert.Contains($"manifest sha256 {manifest.Sha256}", ok.Stdout);
        Assert.Equal(FileHash.Sha256(Path.Combine(data, "SewerML_Train.csv")), manifest.SourceCsvSha256);

        var tooMany = CliProcess.Run("data", "manifest", "--data-root", data, "--split", "train", "--defect-pct", "90", "--size", "40", "--out", dir.File("no.json"));
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("has only", tooMany.Stderr);
        Assert.Contains("available:", tooMany.Stderr);
        Assert.False(File.Exists(dir.File("no.json")));

        var natural = CliProcess.Run("data", "manifest", "--data-root", data, "--split", "val", "--defect-pct", "natural", "--out", dir.File("val.json"));
        Assert.True(natural.ExitCode == 0, natural.All);
        Assert.Equal((10, null), (Manifest.Read(dir.File("val.json")).Size, Manifest.Read(dir.File("val.json")).DefectPct));

        File.WriteAllText(dir.File("s.spec.json"), $$"""{"split": "train", "defect_pct": 10, "size": 20, "expected_csv_sha256": "{{new string('a', 64)}}"}""");
        var stale = CliProcess.Run("data", "manifest", "--spec", dir.File("s.spec.json"), "--data-root", data, "--out", dir.File("s.json"));
        Assert.Equal(2, stale.ExitCode);
        Assert.Contains("expects aaaa", stale.Stderr);
        Assert.False(File.Exists(dir.File("s.json")));

        var check = CliProcess.Run("data", "check", "--data-root", data);
        Assert.True(check.ExitCode == 0, check.All);
        Assert.Contains("train: 40 images", check.Stdout);

        var again = CliProcess.Run("data", "synth", "--out", data);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);
    }

    [Fact]
    public void Bad_option_values_are_one_line_errors()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("SewerML_Train.csv"), SyntheticSewer.Csv(0, SewerMlSplit.Train, 10));
        // Sewer-ML's public test annotations list filenames only: nothing to balance.
        File.WriteAllText(dir.File("SewerML_Test.csv"), "Filename\nE0000001.png\n");
        var pct = CliProcess.Run("data", "manifest", "--data-root", dir.Path, "--split", "train", "--defect-pct", "150", "--out", dir.File("x.json"));
        var split = CliProcess.Run("data", "manifest", "--data-root", dir.Path, "--split", "test", "--defect-pct", "5", "--out", dir.File("x.json"));
        Assert.Equal((2, 2), (pct.ExitCode, split.ExitCode));
        Assert.Contains("--defect-pct must be a percentage in [0, 100] or 'natural', not '150'", pct.Stderr);
        Assert.Contains("SewerML_Test.csv has no label columns", split.Stderr);
        Assert.False(File.Exists(dir.File("x.json")));
    }
}
