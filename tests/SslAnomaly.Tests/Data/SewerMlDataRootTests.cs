namespace SslAnomaly.Tests.Data;

public class SewerMlDataRootTests
{
    static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0]);
    }

    [Fact]
    public void Images_resolve_flat_as_the_official_loader_expects()
    {
        using var dir = new TempDir();
        Touch(dir.File("a.png"));
        var root = SewerMlDataRoot.Open(dir.Path);

        Assert.Equal(dir.Path, root.ImageFolder(SewerMlSplit.Train));
        Assert.Equal([dir.File("a.png")], root.ImagePaths(SewerMlSplit.Train, ["a.png"]));
    }

    [Fact]
    public void Images_resolve_per_split_when_the_split_folder_exists()
    {
        using var dir = new TempDir();
        Touch(Path.Combine(dir.Path, "Val", "v.png"));
        var root = SewerMlDataRoot.Open(dir.Path);

        Assert.Equal([Path.Combine(dir.Path, "Val", "v.png")], root.ImagePaths(SewerMlSplit.Val, ["v.png"]));
        Assert.Equal(dir.Path, root.ImageFolder(SewerMlSplit.Train));
    }

    [Fact]
    public void Missing_images_are_counted_and_the_first_few_named()
    {
        using var dir = new TempDir();
        Touch(dir.File("present.png"));
        var names = new[] { "present.png" }.Concat(Enumerable.Range(0, 8).Select(i => $"gone{i}.png")).ToArray();

        var e = Assert.Throws<UserInputException>(() => SewerMlDataRoot.Open(dir.Path).ImagePaths(SewerMlSplit.Train, names));

        Assert.Contains("8 of 9 image(s) of the train split are missing", e.Message);
        Assert.Contains("gone0.png, gone1.png, gone2.png, gone3.png, gone4.png", e.Message);
        Assert.DoesNotContain("gone5.png", e.Message);
        Assert.Equal(9, SewerMlDataRoot.Open(dir.Path).ImagePaths(SewerMlSplit.Train, names, verify: false).Length);
    }

    [Fact]
    public void Escaping_names_are_rejected_even_without_verifying()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<UserInputException>(() => SewerMlDataRoot.Open(dir.Path).ImagePaths(SewerMlSplit.Train, ["../x.png"], verify: false));
        Assert.Contains("'..' would escape the data root", e.Message);
    }

    [Fact]
    public void Missing_root_and_missing_annotation_file_say_what_is_expected()
    {
        using var dir = new TempDir();
        Assert.Contains("does not exist", Assert.Throws<UserInputException>(() => SewerMlDataRoot.Open(dir.File("nope"))).Message);
        var e = Assert.Throws<UserInputException>(() => SewerMlDataRoot.Open(dir.Path).CsvPath(SewerMlSplit.Val));
        Assert.Contains("SewerML_Val.csv", e.Message);
    }
}
