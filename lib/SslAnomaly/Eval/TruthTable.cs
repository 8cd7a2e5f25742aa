using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>Labelled images of an annotation file: filenames row-aligned with their ground truth.</summary>
public sealed record TruthTable(IReadOnlyList<string> Filenames, GroundTruth Truth)
{
    public int Count => Filenames.Count;

    /// <summary>The truth of a Sewer-ML annotation file (validated by <see cref="SewerMlCsv"/>), with the 17-code masks.</summary>
    public static TruthTable FromSewerMl(SewerMlTable table)
    {
        var codes = table.Codes;
        var masks = new int[table.Count];
        for (int r = 0; r < table.Count; r++)
            for (int k = 0; k < SewerMlCodes.Codes.Count; k++)
                if (codes[r, k]) masks[r] |= 1 << k;
        return new TruthTable(table.Filenames, GroundTruth.FromCodeMasks(masks));
    }

    public static TruthTable Read(string sewerMlCsv) => FromSewerMl(SewerMlCsv.Read(sewerMlCsv, requireLabels: true));
}
