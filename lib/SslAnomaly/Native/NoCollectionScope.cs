using System.Runtime;

namespace SslAnomaly.Native;

/// <summary>
/// Keeps garbage collections out of a stretch of libtorch calls (one training step, one feature batch).
/// TorchSharp 0.107 hands a Scalar's native handle to libtorch without keeping the managed Scalar alive across the
/// call, and many overloads make a temporary one (<c>add_(t)</c> passes <c>alpha = 1</c>). When a collection runs
/// mid-call (another thread allocating is enough), the Scalar's finalizer frees it while libtorch reads it, and the
/// process ends with "Expected false to be true ... toFloat" (seen 3 times in a few thousand 64 px training steps).
/// Inside the scope no collection starts (a no-GC region); finalizers that a collection at the start queued run before
/// the first libtorch call. If the step allocates past the budget the runtime collects anyway and the scope just ends.
/// </summary>
public readonly struct NoCollectionScope : IDisposable
{
    /// <summary>Managed bytes a step may allocate (tensor wrappers, decoded batches) before a collection is allowed.</summary>
    public const long Budget = 128L << 20;

    /// <summary>
    /// Every this many scopes a full collection runs first, between libtorch calls where finalizers are safe. Regions
    /// alone never collect: each start reserves a fresh budget instead, so a step's garbage (tensor wrappers, Scalars and
    /// the native memory they hold) piled up; BYOL's memory check grew from 254 to 1,025 MB over 4,000 steps.
    /// </summary>
    public const int CollectEvery = 16;

    static long entered;

    readonly bool active;

    NoCollectionScope(bool active) => this.active = active;

    public bool Active => active;

    public static NoCollectionScope Enter()
    {
        if (Interlocked.Increment(ref entered) % CollectEvery == 0) GC.Collect();
        bool started;
        try
        {
            started = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget, disallowFullBlockingGC: true);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            started = false; // a budget the runtime cannot reserve, or a region already open: run unguarded
        }
        // Starting the region may have collected: let the queued finalizers free their Scalars now, between calls.
        GC.WaitForPendingFinalizers();
        return new NoCollectionScope(started);
    }

    public void Dispose()
    {
        if (active && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
    }
}
