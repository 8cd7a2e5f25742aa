using SslAnomaly.Data;

namespace SslAnomaly.Notebooks;

/// <summary>The 17 Sewer-ML defect codes with their names (Haurum &amp; Moeslund, CVPR 2021), for captions and legends.</summary>
public static class DefectClasses
{
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        ["RB"] = "cracks, breaks, collapses",
        ["OB"] = "surface damage",
        ["PF"] = "production error",
        ["DE"] = "deformation",
        ["FS"] = "displaced joint",
        ["IS"] = "intruding sealing",
        ["RO"] = "roots",
        ["IN"] = "infiltration",
        ["AF"] = "settled deposits",
        ["BE"] = "attached deposits",
        ["FO"] = "obstacle",
        ["GR"] = "branch pipe",
        ["PH"] = "chiselled connection",
        ["PB"] = "drilled connection",
        ["OS"] = "lateral reinstatement cut",
        ["OP"] = "connection, transition profile",
        ["OK"] = "connection, construction change",
    };

    /// <summary>"RB · cracks, breaks, collapses".</summary>
    public static string Label(string code) => Names.TryGetValue(code, out var name) ? $"{code} · {name}" : code;

    /// <summary>The codes in Sewer-ML's order.</summary>
    public static IReadOnlyList<string> Codes => SewerMlCodes.Codes;
}
