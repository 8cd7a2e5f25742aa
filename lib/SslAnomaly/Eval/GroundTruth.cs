using System.Numerics;
using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>
/// The labels of an evaluation set, row-aligned with its scores or features: the binary defect label
/// and, where known, the 17 Sewer-ML codes as bit masks (bit k = <see cref="SewerMlCodes.Codes"/>[k]).
/// Without codes, everything but F2_CIW can still be computed.
/// </summary>
public sealed class GroundTruth
{
    public const int AllCodesMask = (1 << 17) - 1;

    public GroundTruth(IReadOnlyList<bool> defect, IReadOnlyList<int>? codeMasks = null)
    {
        if (codeMasks is not null && codeMasks.Count != defect.Count)
            throw new ArgumentException($"{codeMasks.Count} code masks for {defect.Count} defect labels.", nameof(codeMasks));
        Defect = defect.ToArray();
        CodeMasks = codeMasks?.ToArray();
        if (CodeMasks is not null)
        {
            for (int i = 0; i < CodeMasks.Length; i++)
            {
                if ((CodeMasks[i] & ~AllCodesMask) != 0)
                    throw new ArgumentException($"Row {i}: code mask 0x{CodeMasks[i]:x} has bits beyond the 17 Sewer-ML codes.", nameof(codeMasks));
                // Sewer-ML's Defect column is "any code present"; the official normal class relies on it.
                if (Defect[i] != (CodeMasks[i] != 0))
                    throw new ArgumentException($"Row {i}: defect label {Defect[i]} disagrees with its codes (mask 0x{CodeMasks[i]:x}).", nameof(codeMasks));
            }
        }
    }

    /// <summary>Labels from code masks alone: a row is a defect when any code is set.</summary>
    public static GroundTruth FromCodeMasks(IReadOnlyList<int> codeMasks) =>
        new(codeMasks.Select(m => m != 0).ToArray(), codeMasks);

    public bool[] Defect { get; }
    public int[]? CodeMasks { get; }
    public bool HasCodes => CodeMasks is not null;
    public int Count => Defect.Length;
    public int Positives => Defect.Count(d => d);

    public GroundTruth Select(IReadOnlyList<int> rows) =>
        new(rows.Select(i => Defect[i]).ToArray(), CodeMasks is null ? null : rows.Select(i => CodeMasks[i]).ToArray());

    public static int CodeMask(ReadOnlySpan<bool> codes)
    {
        if (codes.Length != SewerMlCodes.Codes.Count)
            throw new ArgumentException($"Expected {SewerMlCodes.Codes.Count} code flags, got {codes.Length}.", nameof(codes));
        int mask = 0;
        for (int k = 0; k < codes.Length; k++)
            if (codes[k]) mask |= 1 << k;
        return mask;
    }

    public static int CodeCount(int mask) => BitOperations.PopCount((uint)mask);
}
