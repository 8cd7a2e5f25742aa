namespace SslAnomaly.Experiments;

/// <summary>
/// Images a run left out as unreadable (with skip_bad_images), from every loader of the run (training, monitoring,
/// feature extraction), each counted once by path: what result.json reports as skipped.
/// </summary>
public sealed class SkippedImages
{
    readonly SortedDictionary<string, string> reasons = new(StringComparer.Ordinal);

    public void Add(IReadOnlyList<string> paths, IReadOnlyDictionary<int, string> skippedByIndex)
    {
        lock (reasons)
            foreach (var (index, reason) in skippedByIndex) reasons.TryAdd(paths[index], reason);
    }

    public int Count
    {
        get { lock (reasons) return reasons.Count; }
    }

    /// <summary>"path: reason" lines, sorted by path.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (reasons) return reasons.Select(r => $"{r.Key}: {r.Value}").ToList();
    }
}
