using SslAnomaly.Native;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Native;

/// <summary>The no-GC region is process-wide: the probe, the trainer and the monitors of tests running in parallel open and
/// exhaust it too, so this test runs alone.</summary>
[CollectionDefinition(nameof(NoCollectionScopeTests), DisableParallelization = true)]
public sealed class NoCollectionScopeCollection;

[Collection(nameof(NoCollectionScopeTests))]
public class NoCollectionScopeTests
{
    [Fact]
    public void No_collection_runs_inside_the_scope_while_scalar_temporaries_pile_up()
    {
        using var t = zeros(8);
        using var u = ones(8);
        int before;
        using (var scope = NoCollectionScope.Enter())
        {
            Assert.True(scope.Active, "the runtime refused the no-GC region");
            before = GC.CollectionCount(0);
            // Each add_ makes an implicit alpha Scalar whose finalizer could free it mid-call after a collection.
            for (int i = 0; i < 20_000; i++) t.add_(u);
            var garbage = new List<byte[]>();
            for (int i = 0; i < 200; i++) garbage.Add(new byte[64 * 1024]); // 12.5 MB, well inside the budget
            Assert.Equal(before, GC.CollectionCount(0));
        }
        Assert.Equal(20_000f, t[0].item<float>());
        using (NoCollectionScope.Enter()) { } // a second region after the first ended
    }

    [Fact]
    public void Training_in_regions_keeps_memory_flat()
    {
        // Each region start reserves a fresh budget instead of collecting, and with a region per step BYOL's RSS grew by
        // 250 MB per 1,000 steps with the live tensors constant (a paper-scale run would have grown by about 19 GB).
        // The bench's memory check on a tiny model, here so that no change brings it back unseen; it runs alone because
        // RSS is the whole process's.
        var result = new SslAnomaly.Bench.MemoryBench(SslAnomaly.Bench.BenchOptions.Parse(["--memory-steps", "1600"])).Run("byol");
        Assert.True(result.Flat, $"BYOL over {result.Steps} steps: RSS {result.BaselineRssMb:F1} -> {result.FinalRssMb:F1} MB " +
            $"(slope {result.SlopeMbPer1000Steps:F1} MB per 1,000 steps), live tensors {result.BaselineLiveTensors} -> {result.FinalLiveTensors}");
    }
}
