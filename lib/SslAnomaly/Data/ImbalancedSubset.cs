namespace SslAnomaly.Data;

/// <summary>
/// Controlled-imbalance subsets of a labelled split: exactly round(size x pct / 100) defective rows and the
/// rest normal, drawn from a seed. Defects and normals are each taken as a prefix of their own seeded
/// permutation, so with one seed a smaller subset is contained in a larger one, and two shares of one
/// size share as many images as possible: the share is what changes, not the images.
/// </summary>
public static class ImbalancedSubset
{
    /// <summary>How many defects a subset of this size and share holds (round half away from zero).</summary>
    public static int DefectsFor(int size, double defectPct) =>
        (int)Math.Round(size * defectPct / 100.0, MidpointRounding.AwayFromZero);

    /// <summary>The largest size whose share can be met with the available defects and normals.</summary>
    public static int MaxSize(int availableDefects, int availableNormals, double defectPct)
    {
        CheckPct(defectPct);
        long total = (long)availableDefects + availableNormals;
        // Start from the continuous bound and step down to the first size that fits after rounding.
        double bound = total;
        if (defectPct > 0) bound = Math.Min(bound, (availableDefects + 0.5) * 100.0 / defectPct);
        if (defectPct < 100) bound = Math.Min(bound, (availableNormals + 0.5) * 100.0 / (100.0 - defectPct));
        for (var n = (int)Math.Min(total, Math.Ceiling(bound) + 1); n > 0; n--)
        {
            var d = DefectsFor(n, defectPct);
            if (d <= availableDefects && n - d <= availableNormals) return n;
        }
        return 0;
    }

    /// <summary>Rows (ascending, i.e. file order) of a subset with this share and size.</summary>
    public static int[] Select(SewerMlTable table, double defectPct, int size, long seed)
    {
        CheckPct(defectPct);
        if (size <= 0) throw new UserInputException($"subset size must be positive, not {size}");
        var defect = table.Defect;
        var defects = Enumerable.Range(0, table.Count).Where(i => defect[i]).ToArray();
        var normals = Enumerable.Range(0, table.Count).Where(i => !defect[i]).ToArray();
        var wantDefects = DefectsFor(size, defectPct);
        var wantNormals = size - wantDefects;
        var csv = Path.GetFileName(table.SourcePath);
        if (wantDefects > defects.Length || wantNormals > normals.Length)
        {
            var maxSize = MaxSize(defects.Length, normals.Length, defectPct);
            var which = wantDefects > defects.Length
                ? $"{wantDefects} defective images but {csv} has only {defects.Length}"
                : $"{wantNormals} normal images but {csv} has only {normals.Length}";
            throw new UserInputException(
                $"a subset of {size} at {defectPct:0.###}% defects needs {which} " +
                $"(available: {defects.Length} defective, {normals.Length} normal; the largest size at this share is {maxSize})");
        }
        // Separate streams, so the normals drawn do not depend on how many defects exist.
        SeededRandom.For(seed, 1).Shuffle<int>(defects);
        SeededRandom.For(seed, 2).Shuffle<int>(normals);
        var rows = defects.AsSpan(0, wantDefects).ToArray().Concat(normals.AsSpan(0, wantNormals).ToArray()).ToArray();
        Array.Sort(rows);
        return rows;
    }

    /// <summary>
    /// The split as it is ("natural" share): every row, or a uniform sample of <paramref name="size"/> rows.
    /// </summary>
    public static int[] Natural(SewerMlTable table, int? size, long seed)
    {
        if (size is null || size == table.Count) return Enumerable.Range(0, table.Count).ToArray();
        if (size <= 0) throw new UserInputException($"subset size must be positive, not {size}");
        if (size > table.Count)
            throw new UserInputException($"a natural subset of {size} images needs more than the {table.Count} rows of {Path.GetFileName(table.SourcePath)}");
        var rows = SeededRandom.For(seed, 3).Permutation(table.Count).AsSpan(0, size.Value).ToArray();
        Array.Sort(rows);
        return rows;
    }

    static void CheckPct(double pct)
    {
        if (!(pct >= 0 && pct <= 100))
            throw new UserInputException($"defect share must be a percentage in [0, 100], not {pct}");
    }
}
