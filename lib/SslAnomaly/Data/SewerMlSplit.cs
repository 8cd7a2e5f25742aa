namespace SslAnomaly.Data;

/// <summary>The three Sewer-ML splits and the file/folder names the official release uses for them.</summary>
public enum SewerMlSplit { Train, Val, Test }

public static class SewerMlSplits
{
    /// <summary>`train`, `val`, `test` (the spelling used on the command line and in manifests).</summary>
    public static string Id(this SewerMlSplit split) => split switch
    {
        SewerMlSplit.Train => "train",
        SewerMlSplit.Val => "val",
        _ => "test",
    };

    /// <summary>`Train`, `Val`, `Test`: the annotation-file suffix and the optional per-split image folder.</summary>
    public static string FolderName(this SewerMlSplit split) => split.ToString();

    public static string CsvFileName(this SewerMlSplit split) => $"SewerML_{split.FolderName()}.csv";

    public static SewerMlSplit Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "train" => SewerMlSplit.Train,
        "val" or "valid" or "validation" => SewerMlSplit.Val,
        "test" => SewerMlSplit.Test,
        _ => throw new UserInputException($"unknown split '{value}' (valid: train, val, test)"),
    };
}
