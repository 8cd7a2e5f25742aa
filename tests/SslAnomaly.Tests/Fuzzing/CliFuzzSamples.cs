namespace SslAnomaly.Tests.Fuzzing;

/// <summary>
/// A few inputs of the kinds <see cref="InputFuzzTests"/> generates, through the real CLI: exit code 2, one stderr line,
/// no stack trace, and no output file or temp file left behind.
/// </summary>
[Collection(EndToEnd.Name)]
public class CliFuzzSamples
{
    public static TheoryData<string, string> Inputs() => new()
    {
        { "csv", "Filename,RB,OB\n00000001.png,1\n" },
        { "csv", "Filename,RB,OB,PF,DE,FS,IS,RO,IN,AF,BE,FO,GR,PH,PB,OS,OP,OK,VA,ND,Defect,WaterLevel\n\"00000001.png,0,0\n" },
        { "config", "{ \"profile\": 3, \"epochs\": \"many\" " },
        { "config", "epochs: [1, 2\nbatch_size: {" },
        { "set", "val_defect_pcts=[1, \"x\"]" },
        { "set", "probe=7" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Bad_input_through_the_cli_is_exit_2_with_one_line_and_nothing_written(string kind, string input)
    {
        using var dir = new TempDir();
        var output = dir.File("out");
        string[] args;
        switch (kind)
        {
            case "csv":
                Directory.CreateDirectory(dir.File("root"));
                File.WriteAllText(Path.Combine(dir.File("root"), "SewerML_Train.csv"), input);
                args = ["data", "manifest", "--data-root", dir.File("root"), "--split", "train", "--defect-pct", "5", "--out", output];
                break;
            case "config":
                File.WriteAllText(dir.File(input.StartsWith('{') ? "c.json" : "c.yaml"), input);
                args = ["run", "--config", dir.File(input.StartsWith('{') ? "c.json" : "c.yaml"), "--out", output];
                break;
            default:
                args = ["run", "--method", "simclr", "--backbone", "resnet18", "--train-defect-pct", "5", "--profile", "smoke", "--set", input, "--out", output];
                break;
        }
        var r = CliProcess.Run(args);
        Assert.True(r.ExitCode == 2, r.All);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("   at ", r.All);
        Assert.False(File.Exists(output) || File.Exists(Path.Combine(output, RunDirectory.ResultFile)), "an output was written");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
