namespace SslAnomaly.Eval;

/// <summary>Labelled images of an annotation file: filenames row-aligned with their ground truth.</summary>
public sealed record TruthTable(IReadOnlyList<string> Filenames, GroundTruth Truth)
{
    public int Count => Filenames.Count;
}
