using static TorchSharp.torch;

namespace SslAnomaly.Data;

/// <summary>How a <see cref="BatchSource"/> reads images.</summary>
public sealed record BatchSourceOptions
{
    public int BatchSize { get; init; } = 64;
    /// <summary>Decode size. Training decodes to a working size and crops on the batch tensors; evaluation
    /// decodes straight to the run resolution.</summary>
    public int Width { get; init; } = 224;
    public int Height { get; init; } = 224;
    /// <summary>Shuffle every epoch with a permutation drawn from (Seed, epoch); false keeps list order.</summary>
    public bool Shuffle { get; init; } = true;
    public long Seed { get; init; }
    public bool DropLast { get; init; }
    /// <summary>Batches decoded in parallel on background threads.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);
    /// <summary>Decoded batches held ahead of the consumer (bounds memory).</summary>
    public int Prefetch { get; init; } = 4;
    /// <summary>Leave unreadable images out (counted in <see cref="BatchSource.Skipped"/>) instead of failing.</summary>
    public bool SkipBadImages { get; init; }
    /// <summary>Where each image is listed (e.g. "SewerML_Train.csv:18"), named with its file in decode errors; null: not known.</summary>
    public IReadOnlyList<string>? Sources { get; init; }
    /// <summary>Folder for the decoded-image cache; null decodes every epoch.</summary>
    public string? CacheDirectory { get; init; }
    /// <summary>
    /// One label per image: each epoch then draws as many images as the list holds, half from each class (the rarer
    /// class repeated, each pass over a class in a fresh order), shuffled together. Null: every image once per epoch.
    /// </summary>
    public IReadOnlyList<bool>? ClassBalancedLabels { get; init; }
}

/// <summary>
/// Batches of decoded images in an order fixed by (seed, epoch): the same epoch always yields the same
/// batches, so a run resumed at batch k of epoch e sees exactly what an uninterrupted one saw. Decoding
/// happens on background threads into a bounded window of <see cref="BatchSourceOptions.Prefetch"/>
/// batches, handed out strictly in order. Unreadable images fail the epoch with the file's name, or, with
/// <see cref="BatchSourceOptions.SkipBadImages"/>, are left out and reported.
/// </summary>
public sealed class BatchSource : IDisposable
{
    readonly string[] paths;
    readonly DecodedCache? cache;
    readonly SemaphoreSlim workers;
    readonly Lock skippedGate = new();
    readonly Dictionary<int, string> skipped = [];

    public BatchSource(IReadOnlyList<string> imagePaths, BatchSourceOptions options)
    {
        if (imagePaths.Count == 0) throw new UserInputException("no images to read (the manifest or split is empty)");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Workers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Prefetch);
        if (options.ClassBalancedLabels is { } labels && labels.Count != imagePaths.Count)
            throw new ArgumentException($"class-balanced batches need one label per image ({labels.Count} labels for {imagePaths.Count} images)");
        paths = [.. imagePaths];
        Options = options;
        workers = new SemaphoreSlim(options.Workers);
        if (options.CacheDirectory is { } dir)
            cache = DecodedCache.Open(dir, DecodedCache.KeyFor(paths), paths.Length, options.Width, options.Height);
    }

    public BatchSourceOptions Options { get; }
    public int Count => paths.Length;
    public IReadOnlyList<string> Paths => paths;
    public DecodedCache? Cache => cache;

    public int BatchesPerEpoch => Options.DropLast ? Count / Options.BatchSize : (Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>Called (on a worker thread) for every image skipped as unreadable, e.g. to log it.</summary>
    public event Action<ImageDecodeException>? ImageSkipped;

    /// <summary>Unreadable images left out so far: index -> reason.</summary>
    public IReadOnlyDictionary<int, string> Skipped
    {
        get { lock (skippedGate) return new Dictionary<int, string>(skipped); }
    }

    /// <summary>The image order of an epoch.</summary>
    public int[] Order(int epoch) =>
        Options.ClassBalancedLabels is { } labels ? ClassBalancedOrder(labels, SeededRandom.For(Options.Seed, 0xBA1A, (ulong)epoch))
        : Options.Shuffle ? SeededRandom.For(Options.Seed, 0xBA7C4, (ulong)epoch).Permutation(Count)
        : Enumerable.Range(0, Count).ToArray();

    /// <summary><see cref="BatchSourceOptions.ClassBalancedLabels"/>: Count draws, half per class, in random order.</summary>
    static int[] ClassBalancedOrder(IReadOnlyList<bool> labels, SeededRandom random)
    {
        int[] positives = [.. Enumerable.Range(0, labels.Count).Where(i => labels[i])];
        int[] negatives = [.. Enumerable.Range(0, labels.Count).Where(i => !labels[i])];
        if (positives.Length == 0 || negatives.Length == 0)
            throw new UserInputException($"class-balanced batches need both classes, but the {labels.Count} training images hold {positives.Length} defective ones.");
        var order = new int[labels.Count];
        int half = labels.Count / 2;
        Fill(order.AsSpan(0, half), positives);
        Fill(order.AsSpan(half), negatives);
        random.Shuffle(order.AsSpan());
        return order;

        // Repeated passes over one class, each in its own order, so that every image of the class appears equally often.
        void Fill(Span<int> slots, int[] members)
        {
            for (int start = 0; start < slots.Length; start += members.Length)
            {
                var pass = random.Permutation(members.Length);
                for (int k = 0; k < pass.Length && start + k < slots.Length; k++) slots[start + k] = members[pass[k]];
            }
        }
    }

    /// <summary>Batches of one epoch in order, starting at <paramref name="startBatch"/> (for resuming).</summary>
    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch = 0, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(startBatch);
        var order = Order(epoch);
        int total = BatchesPerEpoch;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var window = new Queue<Task<Decoded>>();
        int next = startBatch;
        try
        {
            while (window.Count < Options.Prefetch && next < total) window.Enqueue(Start(order, next++, stop.Token));
            for (int b = startBatch; b < total; b++)
            {
                var decoded = window.Dequeue().GetAwaiter().GetResult();
                if (next < total) window.Enqueue(Start(order, next++, stop.Token));
                yield return decoded.ToBatch(epoch, b, Options.Height, Options.Width);
            }
        }
        finally
        {
            // Early exit or failure: stop the workers still running before the caller moves on.
            stop.Cancel();
            foreach (var t in window)
                try { t.Wait(); } catch (AggregateException) { }
        }
    }

    /// <summary>Decoded bytes of one batch (HWC per image) before it becomes a tensor.</summary>
    sealed record Decoded(int[] Indices, byte[] Pixels, int Skipped)
    {
        public ImageBatch ToBatch(int epoch, int index, int height, int width)
        {
            var hwc = tensor(Pixels, [Indices.Length, height, width, 3], ScalarType.Byte);
            var chw = hwc.permute(0, 3, 1, 2).contiguous();
            hwc.Dispose();
            return new ImageBatch(epoch, index, Indices, chw, Skipped);
        }
    }

    Task<Decoded> Start(int[] order, int batch, CancellationToken token) => Task.Run(async () =>
    {
        await workers.WaitAsync(token).ConfigureAwait(false);
        try
        {
            return DecodeBatch(order, batch, token);
        }
        finally
        {
            workers.Release();
        }
    }, token);

    Decoded DecodeBatch(int[] order, int batch, CancellationToken token)
    {
        int from = batch * Options.BatchSize, to = Math.Min(Count, from + Options.BatchSize);
        int bytes = ImageDecoder.ByteCount(Options.Width, Options.Height);
        var buffer = new byte[(to - from) * bytes];
        var kept = new List<int>(to - from);
        int skippedHere = 0;
        for (int k = from; k < to; k++)
        {
            token.ThrowIfCancellationRequested();
            var index = order[k];
            var slot = buffer.AsSpan(kept.Count * bytes, bytes);
            if (Load(index, slot)) kept.Add(index);
            else skippedHere++;
        }
        if (skippedHere > 0) Array.Resize(ref buffer, kept.Count * bytes);
        return new Decoded([.. kept], buffer, skippedHere);
    }

    /// <summary>Fills <paramref name="slot"/> from the cache or by decoding; false when skipped as unreadable.</summary>
    bool Load(int index, Span<byte> slot)
    {
        var state = cache?.State(index) ?? DecodedCache.Slot.Empty;
        if (state == DecodedCache.Slot.Decoded && cache!.TryRead(index, slot)) return true;
        if (state == DecodedCache.Slot.Unreadable && Options.SkipBadImages)
        {
            Record(index, "unreadable (remembered by the decoded cache)");
            return false;
        }
        try
        {
            ImageDecoder.DecodeRgb(paths[index], Options.Width, Options.Height, slot);
            cache?.Write(index, slot);
            return true;
        }
        catch (ImageDecodeException e) when (Options.SkipBadImages)
        {
            cache?.MarkUnreadable(index);
            Record(index, Options.Sources is { } s ? $"{e.Problem} (listed at {s[index]})" : e.Problem);
            ImageSkipped?.Invoke(e);
            return false;
        }
        catch (ImageDecodeException e) when (Options.Sources is { } sources)
        {
            throw new ImageDecodeException(e.ImagePath, $"{e.Problem} (listed at {sources[index]}; --skip-bad-images leaves such images out)", e);
        }
    }

    void Record(int index, string reason)
    {
        lock (skippedGate) skipped.TryAdd(index, reason);
    }

    public void Dispose()
    {
        cache?.Dispose();
        workers.Dispose();
    }
}
