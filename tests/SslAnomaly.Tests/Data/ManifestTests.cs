namespace SslAnomaly.Tests.Data;

public class ManifestTests
{
    /// <summary>A labelled split of <paramref name="count"/> rows, every third one defective (about 33 %).</summary>
    static (SewerMlTable Table, string Csv) Split(TempDir dir, int count = 600, string split = "Train")
    {
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var codes = new bool[17];
            if (i % 3 == 0) codes[i % 17] = true;
            return new SewerMlCsv.Row($"{i:D8}.png", codes, false, 0);
        });
        var path = dir.File($"SewerML_{split}.csv");
        File.WriteAllText(path, SewerMlCsv.Format(rows));
        return (SewerMlCsv.Read(path, true), path);
    }

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 150)]
    [InlineData(5, 300)]
    [InlineData(15, 99)]
    [InlineData(45, 200)]
    [InlineData(0.5, 400)]
    public void Subset_has_exactly_the_requested_share_and_size(double pct, int size)
    {
        using var dir = new TempDir();
        var (table, _) = Split(dir);

        var rows = ImbalancedSubset.Select(table, pct, size, seed: 3);

        Assert.Equal(size, rows.Length);
        Assert.Equal(size, rows.Distinct().Count());
        Assert.Equal((int)Math.Round(size * pct / 100, MidpointRounding.AwayFromZero), rows.Count(r => table.Defect[r]));
        Assert.Equal(rows.Order(), rows);
    }

    [Fact]
    public void Same_seed_gives_the_same_subset_and_another_seed_a_different_one()
    {
        using var dir = new TempDir();
        var (table, _) = Split(dir);
        Assert.Equal(ImbalancedSubset.Select(table, 5, 200, 7), ImbalancedSubset.Select(table, 5, 200, 7));
        Assert.NotEqual(ImbalancedSubset.Select(table, 5, 200, 7), ImbalancedSubset.Select(table, 5, 200, 8));
    }

    [Fact]
    public void With_one_seed_smaller_subsets_are_contained_in_larger_ones()
    {
        using var dir = new TempDir();
        var (table, _) = Split(dir);
        var small = ImbalancedSubset.Select(table, 5, 100, 1);
        var large = ImbalancedSubset.Select(table, 5, 300, 1);
        var rare = ImbalancedSubset.Select(table, 1, 300, 1);
        Assert.Subset(large.ToHashSet(), small.ToHashSet());
        // Changing the share keeps the shared part: 1 % defects are among the 5 % ones.
        Assert.Subset(large.Where(r => table.Defect[r]).ToHashSet(), rare.Where(r => table.Defect[r]).ToHashSet());
    }

    [Fact]
    public void Asking_for_more_defects_than_exist_says_how_many_are_available()
    {
        using var dir = new TempDir();
        var (table, _) = Split(dir); // 200 defective, 400 normal

        var e = Assert.Throws<UserInputException>(() => ImbalancedSubset.Select(table, 45, 500, 0));

        Assert.Contains("needs 225 defective images but SewerML_Train.csv has only 200", e.Message);
        Assert.Contains("available: 200 defective, 400 normal", e.Message);
        Assert.Contains("the largest size at this share is 445", e.Message);
        var normals = Assert.Throws<UserInputException>(() => ImbalancedSubset.Select(table, 1, 500, 0));
        Assert.Contains("495 normal images but SewerML_Train.csv has only 400", normals.Message);
    }

    [Theory]
    [InlineData(45, 200, 400)]
    [InlineData(1, 200, 400)]
    [InlineData(33.3333, 200, 400)]
    [InlineData(0, 10, 400)]
    [InlineData(100, 10, 400)]
    public void Max_size_is_the_largest_size_that_fits(double pct, int defects, int normals)
    {
        var n = ImbalancedSubset.MaxSize(defects, normals, pct);
        bool Fits(int size) => ImbalancedSubset.DefectsFor(size, pct) <= defects && size - ImbalancedSubset.DefectsFor(size, pct) <= normals;
        Assert.True(Fits(n));
        Assert.All(Enumerable.Range(n + 1, 50), size => Assert.False(Fits(size)));
    }

    [Fact]
    public void Natural_keeps_the_split_or_samples_it_uniformly()
    {
        using var dir = new TempDir();
        var (table, _) = Split(dir);
        Assert.Equal(Enumerable.Range(0, 600), ImbalancedSubset.Natural(table, null, 0));
        var sample = ImbalancedSubset.Natural(table, 100, 0);
        Assert.Equal(100, sample.Distinct().Count());
        Assert.InRange(sample.Count(r => table.Defect[r]), 15, 55);
        Assert.Throws<UserInputException>(() => ImbalancedSubset.Natural(table, 601, 0));
    }

    [Fact]
    public void Manifest_round_trips_and_its_bytes_depend_only_on_its_inputs()
    {
        using var dir = new TempDir();
        var (table, csv) = Split(dir);
        var spec = new ManifestSpec("t5", SewerMlSplit.Train, 5, 200, 11);

        var a = spec.Materialise(table, FileHash.Sha256(csv));
        var shaA = a.Write(dir.File("a.json"));
        var shaB = spec.Materialise(table, FileHash.Sha256(csv)).Write(dir.File("b.json"));
        var read = Manifest.Read(dir.File("a.json"));

        Assert.Equal(shaA, shaB);
        Assert.Equal(File.ReadAllBytes(dir.File("a.json")), File.ReadAllBytes(dir.File("b.json")));
        Assert.Equal(shaA, read.Sha256);
        Assert.Equal(FileHash.Sha256(dir.File("a.json")), read.Sha256);
        Assert.Equal(a.Filenames, read.Filenames);
        Assert.Equal(a.Labels, read.Labels);
        Assert.Equal((5.0, 200, 10, 11L, "t5", SewerMlSplit.Train, Manifest.GeneratorVersion, FileHash.Sha256(csv)),
            (read.DefectPct!.Value, read.Size, read.DefectCount, read.Seed, read.Name, read.Split, read.Version, read.SourceCsvSha256));
        Assert.Equal("controlled", read.Mode);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Omitted_size_takes_the_largest_subset_at_that_share()
    {
        using var dir = new TempDir();
        var (table, csv) = Split(dir);
        var m = new ManifestSpec(null, SewerMlSplit.Train, 45, null, 0).Materialise(table, FileHash.Sha256(csv));
        Assert.Equal(ImbalancedSubset.MaxSize(200, 400, 45), m.Size);
        var natural = new ManifestSpec(null, SewerMlSplit.Train, null, null, 0).Materialise(table, FileHash.Sha256(csv));
        Assert.Equal(600, natural.Size);
        Assert.Equal("natural", natural.Mode);
    }

    [Fact]
    public void Spec_checks_the_expected_csv_checksum()
    {
        using var dir = new TempDir();
        var (table, csv) = Split(dir);
        var sha = FileHash.Sha256(csv);
        var wrong = new string('0', 64);

        var e = Assert.Throws<UserInputException>(() => new ManifestSpec("paper-1pct", SewerMlSplit.Train, 1, 100, 0, wrong).Materialise(table, sha));

        Assert.Contains($"has SHA-256 {sha}", e.Message);
        Assert.Contains($"subset 'paper-1pct' expects {wrong}", e.Message);
        Assert.Equal(100, new ManifestSpec("ok", SewerMlSplit.Train, 1, 100, 0, sha).Materialise(table, sha).Size);
    }

    [Fact]
    public void Spec_files_parse_numbers_natural_and_nulls()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.spec.json"), """{"name": "x", "split": "val", "defect_pct": 2, "size": 50, "seed": 4, "expected_csv_sha256": null}""");
        File.WriteAllText(dir.File("b.spec.json"), """{"split": "train", "defect_pct": "natural"}""");
        File.WriteAllText(dir.File("bad.spec.json"), """{"split": "train"}""");

        Assert.Equal(new ManifestSpec("x", SewerMlSplit.Val, 2, 50, 4), ManifestSpec.Read(dir.File("a.spec.json")));
        Assert.Equal(new ManifestSpec("b", SewerMlSplit.Train, null, null, 0), ManifestSpec.Read(dir.File("b.spec.json")));
        Assert.Contains("bad.spec.json", Assert.Throws<UserInputException>(() => ManifestSpec.Read(dir.File("bad.spec.json"))).Message);
    }

    [Fact]
    public void Tampered_manifests_are_rejected()
    {
        using var dir = new TempDir();
        var (table, csv) = Split(dir);
        var manifest = new ManifestSpec(null, SewerMlSplit.Train, 5, 20, 0).Materialise(table, FileHash.Sha256(csv));
        var json = manifest.ToJson();
        var first = manifest.Filenames[0];

        File.WriteAllText(dir.File("size.json"), json.Replace("\"size\": 20", "\"size\": 21"));
        File.WriteAllText(dir.File("escape.json"), json.Replace($"\"{first}\"", $"\"../{first}\""));
        File.WriteAllText(dir.File("label.json"), json.Replace(", 0]", ", 2]"));

        Assert.Contains("'size' says 21 but there are 20 items", Assert.Throws<UserInputException>(() => Manifest.Read(dir.File("size.json"))).Message);
        Assert.Contains("escape the data root", Assert.Throws<UserInputException>(() => Manifest.Read(dir.File("escape.json"))).Message);
        Assert.Contains("not 0 or 1", Assert.Throws<UserInputException>(() => Manifest.Read(dir.File("label.json"))).Message);
    }

    [Fact]
    public void Verify_source_detects_a_changed_annotation_file()
    {
        using var dir = new TempDir();
        var (table, csv) = Split(dir);
        var manifest = new ManifestSpec(null, SewerMlSplit.Train, 5, 20, 0).Materialise(table, FileHash.Sha256(csv));
        var root = SewerMlDataRoot.Open(dir.Path);
        manifest.VerifySource(root);

        File.AppendAllText(csv, SewerMlCsvTests.Line("extra.png") + "\n");

        Assert.Contains("a different copy or version", Assert.Throws<UserInputException>(() => manifest.VerifySource(root)).Message);
    }
}
