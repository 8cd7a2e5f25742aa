namespace SslAnomaly.Eval;

/// <summary>How to bootstrap a statistic: replicates, seed and interval level.</summary>
public sealed record BootstrapOptions(int Replicates = 1000, int Seed = 0, double Level = 0.95)
{
    public static readonly BootstrapOptions Default = new();

    public void Validate()
    {
        if (Replicates < 1) throw new ArgumentOutOfRangeException(nameof(Replicates), Replicates, "At least one bootstrap replicate is needed.");
        if (!(Level > 0 && Level < 1)) throw new ArgumentOutOfRangeException(nameof(Level), Level, "The level must lie in (0, 1).");
    }

    /// <summary>A well-mixed, independent seed for replicate <paramref name="replicate"/>: results do not depend
    /// on how replicates are spread over threads. SplitMix64 finaliser over (seed, replicate).</summary>
    public int ReplicateSeed(int replicate)
    {
        ulong z = ((ulong)(uint)Seed << 32 | (uint)replicate) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
