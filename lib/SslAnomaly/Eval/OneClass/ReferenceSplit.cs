namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// The probe set's rows split in two: the reference a detector learns "normal" from, and the calibration rows held out
/// to place its threshold. Calibration images are scored against a reference that does not hold them, exactly as
/// validation images are, so no image is ever scored against itself and the quantile of their scores transfers to the
/// validation set (split conformal prediction). Both parts are in ascending row order.
/// </summary>
public sealed record ReferenceSplit(IReadOnlyList<int> Reference, IReadOnlyList<int> Calibration)
{
    /// <summary>
    /// One seeded shuffle of all <paramref name="rows"/>, which looks at no label: the first round(share x rows) are held
    /// out (at least one, and at least one row is left to the reference). Drawn once per run, so both pools and both
    /// detectors hold out the same images.
    /// </summary>
    public static ReferenceSplit Draw(int rows, double calibrationShare, int seed)
    {
        if (rows < 2) throw new ArgumentException($"A reference and a held-out part need at least two images; the pool has {rows}.", nameof(rows));
        if (!(calibrationShare > 0 && calibrationShare < 1))
            throw new ArgumentOutOfRangeException(nameof(calibrationShare), calibrationShare, "The held-out share must lie in (0, 1).");
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        int held = Math.Clamp((int)Math.Round(calibrationShare * rows, MidpointRounding.AwayFromZero), 1, rows - 1);
        return new ReferenceSplit(order[held..].Order().ToArray(), order[..held].Order().ToArray());
    }

    /// <summary>The split as <paramref name="pool"/> sees it: the contaminated pool keeps every row, the clean pool only
    /// the normals (the one use of defect labels on the one-class side).</summary>
    public ReferenceSplit For(ReferencePool pool, GroundTruth truth) => pool switch
    {
        ReferencePool.Contaminated => this,
        ReferencePool.Clean => new ReferenceSplit(Reference.Where(i => !truth.Defect[i]).ToArray(), Calibration.Where(i => !truth.Defect[i]).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(pool), pool, null),
    };
}
