using static TorchSharp.torch;

namespace SslAnomaly.Tests.Data;

public class BatchSourceTests
{
    const int Size = 8;

    static string[] Images(TempDir dir, int count) =>
        Enumerable.Range(0, count).Select(i => ImageDecoderTests.WritePng(dir.File($"{i:D3}.png"), 12, 10, seed: i)).ToArray();

    static BatchSourceOptions Options(long seed = 5) => new()
    {
        BatchSize = 4, Width = Size, Height = Size, Seed = seed, Workers = 2, Prefetch = 2,
    };

    /// <summary>Indices and pixel bytes of every batch of an epoch.</summary>
    static List<(int[] Indices, byte[] Pixels)> Read(BatchSource source, int epoch, int start = 0)
    {
        var result = new List<(int[], byte[])>();
        foreach (var batch in source.Epoch(epoch, start))
            using (batch)
                result.Add((batch.Indices, batch.Pixels.data<byte>().ToArray()));
        return result;
    }

    [Fact]
    public void Order_depends_only_on_seed_and_epoch()
    {
        using var dir = new TempDir();
        var paths = Images(dir, 10);
        using var a = new BatchSource(paths, Options());
        using var b = new BatchSource(paths, Options());
        using var other = new BatchSource(paths, Options(seed: 6));

        var first = Read(a, 1);
        var again = Read(b, 1);

        Assert.Equal(3, first.Count);
        Assert.Equal(first.Select(x => x.Indices), again.Select(x => x.Indices));
        Assert.Equal(first.Select(x => x.Pixels), again.Select(x => x.Pixels));
        Assert.Equal(Enumerable.Range(0, 10), first.SelectMany(x => x.Indices).Order());
        Assert.NotEqual(a.Order(1), a.Order(2));
        Assert.NotEqual(a.Order(1), other.Order(1));
    }

    [Fact]
    public void Class_balanced_epochs_draw_half_from_each_class_and_every_defect_equally_often()
    {
        using var dir = new TempDir();
        var paths = Images(dir, 40);
        bool[] labels = [.. Enumerable.Range(0, 40).Select(i => i % 10 == 3)]; // 4 defects in 40: a 10 % subset
        using var source = new BatchSource(paths, Options() with { ClassBalancedLabels = labels });

        var order = source.Order(2);
        Assert.Equal(40, order.Length);
        var defects = order.Where(i => labels[i]).ToList();
        Assert.Equal(20, defects.Count);
        // 20 defect draws over 4 defects: 5 each. 20 normal draws over 36 normal images: none twice.
        Assert.All(defects.GroupBy(i => i), g => Assert.Equal(5, g.Count()));
        Assert.Equal(20, order.Where(i => !labels[i]).Distinct().Count());
        Assert.Equal(order, source.Order(2));
        Assert.NotEqual(order, source.Order(3));
        // The classes are mixed through the epoch, not stacked: both occur in the first and in the last ten draws.
        Assert.Contains(order.Take(10), i => labels[i]);
        Assert.Contains(order.TakeLast(10), i => !labels[i]);

        var noDefects = new BatchSource(paths, Options() with { ClassBalancedLabels = new bool[40] });
        Assert.Contains("0 defective", Assert.Throws<UserInputException>(() => noDefects.Order(0)).Message);
        Assert.Throws<ArgumentException>(() => new BatchSource(paths, Options() with { ClassBalancedLabels = new bool[3] }));
    }

    [Fact]
    public void Resuming_at_a_batch_yields_the_rest_of_the_epoch()
    {
        using var dir = new TempDir();
        using var source = new BatchSource(Images(dir, 10), Options());
        var full = Read(source, 3);
        var resumed = Read(source, 3, start: 1);
        Assert.Equal(full.Skip(1).Select(x => x.Indices), resumed.Select(x => x.Indices));
        Assert.Equal(full.Skip(1).Select(x => x.Pixels), resumed.Select(x => x.Pixels));
    }

    [Fact]
    public void Batches_hold_uint8_chw_pixels_of_the_listed_images()
    {
        using var dir = new TempDir();
        var paths = Images(dir, 6);
        using var source = new BatchSource(paths, Options() with { Shuffle = false, DropLast = true });

        var batches = source.Epoch(0).ToList();

        Assert.Single(batches);
        var batch = batches[0];
        Assert.Equal(new long[] { 4, 3, Size, Size }, batch.Pixels.shape);
        Assert.Equal(ScalarType.Byte, batch.Pixels.dtype);
        Assert.Equal([0, 1, 2, 3], batch.Indices);
        var hwc = ImageDecoder.DecodeRgb(paths[2], Size, Size);
        using var image = batch.Pixels[2].permute(1, 2, 0).contiguous();
        Assert.Equal(hwc, image.data<byte>().ToArray());
        using var floats = batch.ToFloat();
        Assert.Equal(hwc[0] / 255f, floats[2, 0, 0, 0].item<float>(), 6);
        using var normalised = batch.ToNormalized();
        Assert.Equal((hwc[0] / 255f - SewerMlCodes.Mean[0]) / SewerMlCodes.Std[0], normalised[2, 0, 0, 0].item<float>(), 5);
        batch.Dispose();
    }

    [Fact]
    public void Unreadable_image_fails_the_epoch_with_its_name_unless_skipping()
    {
        using var dir = new TempDir();
        var paths = Images(dir, 9);
        File.WriteAllBytes(paths[4], [1, 2, 3]);

        using var strict = new BatchSource(paths, Options());
        var e = Assert.Throws<ImageDecodeException>(() => Read(strict, 0));
        Assert.Contains("004.png", e.Message);

        using var lenient = new BatchSource(paths, Options() with { SkipBadImages = true });
        var reported = new List<string>();
        lenient.ImageSkipped += ex => { lock (reported) reported.Add(ex.ImagePath); };
        var batches = lenient.Epoch(0).ToList();
        Assert.Equal(8, batches.Sum(b => b.Count));
        Assert.Equal(1, batches.Sum(b => b.Skipped));
        Assert.DoesNotContain(4, batches.SelectMany(b => b.Indices));
        Assert.Equal([4], lenient.Skipped.Keys);
        Assert.Equal([paths[4]], reported);
        batches.ForEach(b => b.Dispose());
    }

    [Fact]
    public void Decoded_cache_serves_later_epochs_without_the_files()
    {
        using var dir = new TempDir();
        using var cacheDir = new TempDir();
        var paths = Images(dir, 7);
        File.WriteAllBytes(paths[6], []);
        var options = Options() with { CacheDirectory = cacheDir.Path, SkipBadImages = true };

        List<(int[] Indices, byte[] Pixels)> first;
        using (var source = new BatchSource(paths, options))
        {
            first = Read(source, 0);
            Assert.Equal(6, source.Cache!.CountIn(DecodedCache.Slot.Decoded));
            Assert.Equal(1, source.Cache.CountIn(DecodedCache.Slot.Unreadable));
        }
        foreach (var p in paths) File.Delete(p);

        using var reopened = new BatchSource(paths, options);
        var cached = Read(reopened, 0);

        Assert.Equal(first.Select(x => x.Indices), cached.Select(x => x.Indices));
        Assert.Equal(first.Select(x => x.Pixels), cached.Select(x => x.Pixels));
        Assert.Single(Directory.GetFiles(cacheDir.Path));
    }

    [Fact]
    public void Leaving_an_epoch_early_stops_the_workers()
    {
        using var dir = new TempDir();
        using var source = new BatchSource(Images(dir, 20), Options() with { BatchSize = 2 });
        using (var first = source.Epoch(0).First()) Assert.Equal(2, first.Count);
        // The source is still usable: nothing is left running against it.
        Assert.Equal(10, source.Epoch(1).Sum(b => { b.Dispose(); return 1; }));
    }
}
