namespace SslAnomaly.Data;

/// <summary>
/// The 17 Sewer-ML defect codes in the official order, with the class-importance weights (CIW) that
/// the official F2_CIW metric uses (Haurum &amp; Moeslund, CVPR 2021).
/// </summary>
public static class SewerMlCodes
{
    public static readonly IReadOnlyList<string> Codes =
        ["RB", "OB", "PF", "DE", "FS", "IS", "RO", "IN", "AF", "BE", "FO", "GR", "PH", "PB", "OS", "OP", "OK"];

    public static readonly IReadOnlyList<double> ClassImportanceWeights =
        [1.0000, 0.5518, 0.2896, 0.1622, 0.6419, 0.1847, 0.3559, 0.3131, 0.0811, 0.2275, 0.2477, 0.0901, 0.4167, 0.4167, 0.9009, 0.3829, 0.4396];

    /// <summary>Columns besides the codes that every annotation file with labels carries.</summary>
    public const string FilenameColumn = "Filename";
    public const string DefectColumn = "Defect";
    public const string WaterLevelAnnotationColumn = "VA";
    public const string NonDefectiveColumn = "ND";
    public const string WaterLevelColumn = "WaterLevel";

    /// <summary>Sewer-ML's RGB normalisation statistics.</summary>
    public static readonly float[] Mean = [0.523f, 0.453f, 0.345f];
    public static readonly float[] Std = [0.210f, 0.199f, 0.154f];

    public static int IndexOf(string code)
    {
        for (int i = 0; i < Codes.Count; i++)
            if (Codes[i] == code) return i;
        throw new ArgumentException($"'{code}' is not a Sewer-ML defect code (valid: {string.Join(", ", Codes)}).", nameof(code));
    }
}
