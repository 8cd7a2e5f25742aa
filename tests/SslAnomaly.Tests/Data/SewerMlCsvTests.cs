namespace SslAnomaly.Tests.Data;

public class SewerMlCsvTests
{
    static readonly string Header = string.Join(',', SewerMlCsv.Columns);

    /// <summary>A data line in Sewer-ML column order: codes given by name, Defect derived unless overridden.</summary>
    internal static string Line(string filename, string[]? codes = null, int? defect = null, int water = 0, string? rawCode = null)
    {
        codes ??= [];
        var values = SewerMlCodes.Codes.Select(c => codes.Contains(c) ? "1" : "0").ToArray();
        if (rawCode is not null) values[1] = rawCode; // OB
        var d = defect ?? (codes.Length > 0 ? 1 : 0);
        return $"{filename},{string.Join(',', values)},0,{1 - d},{d},{water}";
    }

    static string Write(TempDir dir, params string[] lines)
    {
        var path = dir.File("SewerML_Train.csv");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    static UserInputException Fails(TempDir dir, bool requireLabels, params string[] lines) =>
        Assert.Throws<UserInputException>(() => SewerMlCsv.Read(Write(dir, lines), requireLabels));

    [Fact]
    public void Reads_labels_codes_and_water_level_by_column_name()
    {
        using var dir = new TempDir();
        // Columns shuffled, an extra column and CRLF line ends: read by name, not position.
        var columns = SewerMlCsv.Columns.Reverse().Append("Extra").ToArray();
        string Row(string name, string[] codes, int water)
        {
            var line = Line(name, codes, water: water).Split(',');
            return string.Join(',', line.Reverse().Append("x"));
        }
        var path = dir.File("SewerML_Val.csv");
        File.WriteAllText(path, string.Join("\r\n", string.Join(',', columns), Row("00000001.png", [], 5), Row("00000002.png", ["RB", "OK"], 30)) + "\r\n");

        var table = SewerMlCsv.Read(path, requireLabels: true);

        Assert.Equal(["00000001.png", "00000002.png"], table.Filenames);
        Assert.Equal([false, true], table.Defect);
        Assert.Equal([5, 30], table.WaterLevel!);
        var defective = Enumerable.Range(0, 17).Where(k => table.Codes[1, k]).Select(k => SewerMlCodes.Codes[k]);
        Assert.Equal(["RB", "OK"], defective);
        Assert.All(Enumerable.Range(0, 17), k => Assert.False(table.Codes[0, k]));
        Assert.Equal(1, table.DefectCount);
        Assert.Equal(1, table.IndexOf("00000002.png"));
    }

    [Fact]
    public void Format_round_trips_through_the_reader()
    {
        using var dir = new TempDir();
        var codes = new bool[17];
        codes[SewerMlCodes.IndexOf("RO")] = true;
        var text = SewerMlCsv.Format([new("a.png", new bool[17], false, 0), new("b, \"quoted\".png", codes, true, 40)]);
        var path = dir.File("SewerML_Train.csv");
        File.WriteAllText(path, text);

        var table = SewerMlCsv.Read(path, requireLabels: true);

        Assert.Equal(["a.png", "b, \"quoted\".png"], table.Filenames);
        Assert.Equal([false, true], table.Defect);
        Assert.True(table.Codes[1, SewerMlCodes.IndexOf("RO")]);
        Assert.Equal([0, 40], table.WaterLevel!);
    }

    [Fact]
    public void Missing_required_column_is_named()
    {
        using var dir = new TempDir();
        var header = string.Join(',', SewerMlCsv.Columns.Where(c => c != "RO"));
        var line = string.Join(',', Line("a.png").Split(',').Where((_, i) => SewerMlCsv.Columns[i] != "RO"));
        var e = Fails(dir, true, header, line);
        Assert.Contains("missing required column 'RO'", e.Message);
        Assert.Contains("SewerML_Train.csv", e.Message);
    }

    [Fact]
    public void Missing_filename_column_is_named_even_without_labels()
    {
        using var dir = new TempDir();
        var e = Fails(dir, false, "Name,Defect", "a.png,0");
        Assert.Contains("'Filename'", e.Message);
    }

    [Fact]
    public void A_value_other_than_0_or_1_names_file_line_and_column()
    {
        using var dir = new TempDir();
        var e = Fails(dir, true, Header, Line("a.png"), Line("b.png", rawCode: "2"));
        Assert.Contains("SewerML_Train.csv:3", e.Message);
        Assert.Contains("column 'OB'", e.Message);
        Assert.Contains("'2' is not 0 or 1", e.Message);
    }

    [Fact]
    public void Duplicate_filenames_name_both_lines()
    {
        using var dir = new TempDir();
        var e = Fails(dir, true, Header, Line("a.png"), Line("b.png"), Line("a.png"));
        Assert.Contains(":4: duplicate filename 'a.png' (first on line 2)", e.Message);
    }

    [Theory]
    [InlineData(0, new[] { "RB", "FS" }, "Defect' is 0 but defect code(s) RB, FS are 1")]
    [InlineData(1, new string[0], "Defect' is 1 but none of the 17 defect codes is 1")]
    public void Defect_disagreeing_with_the_codes_is_rejected(int defect, string[] codes, string message)
    {
        using var dir = new TempDir();
        var e = Fails(dir, true, Header, Line("a.png", codes, defect));
        Assert.Contains(message, e.Message);
        Assert.Contains(":2:", e.Message);
    }

    [Theory]
    [InlineData("../secret.png")]
    [InlineData("images/../../secret.png")]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\data\\x.png")]
    [InlineData("..\\x.png")]
    public void Filenames_escaping_the_data_root_are_rejected(string filename)
    {
        using var dir = new TempDir();
        var e = Fails(dir, true, Header, Line(filename));
        Assert.Contains("rejected", e.Message);
        Assert.Contains("column 'Filename'", e.Message);
    }

    [Fact]
    public void Test_split_with_only_filenames_is_read_when_labels_are_not_required()
    {
        using var dir = new TempDir();
        var path = Write(dir, "Filename", "x1.png", "x2.png");

        var table = SewerMlCsv.Read(path, requireLabels: false);

        Assert.False(table.HasLabels);
        Assert.Equal(2, table.Count);
        Assert.Null(table.WaterLevel);
        Assert.Throws<UserInputException>(() => table.Defect);
        var e = Assert.Throws<UserInputException>(() => SewerMlCsv.Read(path, requireLabels: true));
        Assert.Contains("missing required columns 'RB', 'OB'", e.Message);
    }

    [Fact]
    public void Some_but_not_all_label_columns_is_an_error_even_without_requiring_labels()
    {
        using var dir = new TempDir();
        var e = Fails(dir, false, "Filename,Defect", "a.png,0");
        Assert.Contains("'RB'", e.Message);
    }

    [Fact]
    public void Water_level_must_be_a_percentage()
    {
        using var dir = new TempDir();
        var e = Fails(dir, true, Header, Line("a.png", water: 140));
        Assert.Contains("column 'WaterLevel'", e.Message);
    }

    [Fact]
    public void Wrong_field_count_and_broken_quotes_name_the_line()
    {
        using var dir = new TempDir();
        Assert.Contains(":2: 3 fields", Fails(dir, true, Header, "a.png,0,1").Message);
        Assert.Contains(":3: a quoted field is never closed", Fails(dir, true, Header, Line("a.png"), "\"b.png,0").Message);
        Assert.Contains("the file is empty", Fails(dir, true).Message);
    }

    [Fact]
    public void Missing_file_is_a_user_error()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<UserInputException>(() => SewerMlCsv.Read(dir.File("nope.csv"), true));
        Assert.Contains("nope.csv: file not found", e.Message);
    }
}
