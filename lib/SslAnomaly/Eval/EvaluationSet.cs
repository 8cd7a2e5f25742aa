using System.Numerics;
using SslAnomaly.Data;

namespace SslAnomaly.Eval;

/// <summary>
/// Ground truth and scores of one evaluation set, turned once into decisions so that the metrics can be
/// recomputed cheaply on bootstrap resamples (integer multiplicities per row).
/// <para>Definitions (official Sewer-ML evaluation, Haurum &amp; Moeslund 2021; docs/data-flow.md, Metrics):</para>
/// <list type="bullet">
/// <item>A probability p is a positive decision when p &gt;= threshold (0.5), as in the official code; a one-class
///   detector's score is one when it reaches the detector's own threshold (<see cref="DefectScores.Thresholded"/>).</item>
/// <item>Defect class: precision, recall, F1, F2 of "defect predicted" against the Defect label.</item>
/// <item>Normal class: predicted when no code (for a binary model: no defect) is predicted, true when no code
///   is present; F1_Normal is its F1.</item>
/// <item>F2_CIW = sum_k w_k F2_k / sum_k w_k over the 17 codes with the official weights, F2_k from the per-code
///   counts; a code with no predicted positives has precision 0 (denominator 1), undefined F2_k is 0, and a
///   code absent from the split therefore contributes 0 while its weight stays in the denominator.</item>
/// <item>Binary model: code k counts as predicted for an image exactly when "defect" is predicted, and as
///   true from the multi-label columns; its F2_k is the F2 of the defect decision against code k.</item>
/// <item>AUROC and AUPRC rank the defect score (binary: p; multi-label: the largest code probability).</item>
/// </list>
/// </summary>
public sealed class EvaluationSet
{
    public const double OfficialThreshold = 0.5;
    static readonly int CodeCount = SewerMlCodes.Codes.Count;

    // Rows are stored by descending score ("positions"), so every pass over a replicate is sequential.
    readonly int[] _rowAt;          // position -> original row
    readonly double[] _score;
    readonly bool[] _actual;        // defect label
    readonly bool[] _predicted;     // defect decision
    readonly int[]? _actualCodes;   // code masks, when known
    readonly int[] _predictedCodes;

    /// <param name="threshold">Overrides the scores' own decision threshold (<see cref="DefectScores.Threshold"/>: 0.5 for
    /// probabilities); a decision rule under study, such as an F2 threshold, passes its own.</param>
    public EvaluationSet(GroundTruth truth, DefectScores scores, double? threshold = null)
    {
        double cut = threshold ?? scores.Threshold;
        if (truth.Count != scores.Count)
            throw new ArgumentException($"{truth.Count} labelled rows but {scores.Count} scored rows.");
        Truth = truth;
        _rowAt = RankingMetrics.DescendingOrder(scores.Defect);
        int n = _rowAt.Length;
        _score = new double[n];
        _actual = new bool[n];
        _predicted = new bool[n];
        _predictedCodes = new int[n];
        _actualCodes = truth.CodeMasks is null ? null : new int[n];
        for (int j = 0; j < n; j++)
        {
            int i = _rowAt[j];
            _score[j] = scores.Defect[i];
            _actual[j] = truth.Defect[i];
            if (_actualCodes is not null) _actualCodes[j] = truth.CodeMasks![i];
            if (scores.PerCode is { } perCode)
            {
                for (int k = 0; k < CodeCount; k++)
                    if (perCode[i, k] >= cut) _predictedCodes[j] |= 1 << k;
                _predicted[j] = _predictedCodes[j] != 0;
            }
            else
            {
                _predicted[j] = _score[j] >= cut;
                _predictedCodes[j] = _predicted[j] ? GroundTruth.AllCodesMask : 0;
            }
        }
    }

    public GroundTruth Truth { get; }
    public int Count => _rowAt.Length;

    public DefectMetrics Evaluate() => EvaluateByPosition(default);

    /// <summary>The metrics with row i counted <paramref name="multiplicity"/>[i] times.</summary>
    public DefectMetrics Evaluate(ReadOnlySpan<int> multiplicity)
    {
        if (multiplicity.Length != Count)
            throw new ArgumentException($"{multiplicity.Length} multiplicities for {Count} rows.", nameof(multiplicity));
        var byPosition = new int[Count];
        for (int j = 0; j < Count; j++) byPosition[j] = multiplicity[_rowAt[j]];
        return EvaluateByPosition(byPosition);
    }

    /// <summary>Positions (internal row order) of the defects and of the normals, for stratified resampling.</summary>
    internal (int[] Positives, int[] Negatives) PositionsByClass() =>
        (Enumerable.Range(0, Count).Where(j => _actual[j]).ToArray(), Enumerable.Range(0, Count).Where(j => !_actual[j]).ToArray());

    /// <summary>The metrics with the row at position j counted <paramref name="multiplicity"/>[j] times (empty: once each).</summary>
    internal DefectMetrics EvaluateByPosition(ReadOnlySpan<int> multiplicity)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0, predictedEverywhere = 0;
        var truePerCode = new long[CodeCount];
        var predictedPerCode = new long[CodeCount];
        var correctPerCode = new long[CodeCount];
        for (int j = 0; j < Count; j++)
        {
            int m = multiplicity.IsEmpty ? 1 : multiplicity[j];
            if (m == 0) continue;
            if (_predicted[j]) { if (_actual[j]) tp += m; else fp += m; }
            else if (_actual[j]) fn += m; else tn += m;

            if (_actualCodes is null) continue;
            AddBits(truePerCode, _actualCodes[j], m);
            AddBits(correctPerCode, _actualCodes[j] & _predictedCodes[j], m);
            // A binary model predicts all codes at once: count it once, not per code.
            if (_predictedCodes[j] == GroundTruth.AllCodesMask) predictedEverywhere += m;
            else AddBits(predictedPerCode, _predictedCodes[j], m);
        }
        for (int k = 0; k < CodeCount; k++) predictedPerCode[k] += predictedEverywhere;

        var defect = new ConfusionCounts(tp, fp, fn, tn);
        // The normal class is the complement on both sides (codes and the Defect label agree, see GroundTruth).
        var normal = new ConfusionCounts(tn, fn, fp, tp);
        var (f2Ciw, f2PerCode) = _actualCodes is null
            ? (double.NaN, Array.Empty<double>())
            : ClassWeightedF2(truePerCode, predictedPerCode, correctPerCode, SewerMlCodes.ClassImportanceWeights);
        var (auroc, auprc) = RankingMetrics.OfDescending(_score, _actual, multiplicity);

        return new DefectMetrics(
            Count: defect.Total,
            Positives: defect.ActualPositives,
            Precision: defect.Precision,
            Recall: defect.Recall,
            F1: defect.F1,
            F2: defect.F2,
            F1Normal: normal.F1,
            F2Ciw: f2Ciw,
            F2PerCode: f2PerCode,
            Auroc: auroc,
            Auprc: auprc);
    }

    /// <summary>Official F2_CIW from per-class counts: true (Ng), predicted (Np) and correct (Nc) positives.</summary>
    public static (double F2Ciw, double[] F2PerClass) ClassWeightedF2(
        IReadOnlyList<long> actual, IReadOnlyList<long> predicted, IReadOnlyList<long> correct, IReadOnlyList<double> weights)
    {
        var f2 = new double[weights.Count];
        double weighted = 0;
        for (int k = 0; k < f2.Length; k++)
        {
            var counts = new ConfusionCounts(correct[k], predicted[k] - correct[k], actual[k] - correct[k], 0);
            f2[k] = counts.F2;
            weighted += weights[k] * f2[k];
        }
        return (weighted / weights.Sum(), f2);
    }

    static void AddBits(long[] counts, int mask, int m)
    {
        for (uint bits = (uint)mask; bits != 0; bits &= bits - 1)
            counts[BitOperations.TrailingZeroCount(bits)] += m;
    }
}
