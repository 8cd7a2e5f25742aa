using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>Applies an op to the selected samples of a batch only (gather, transform, scatter back).</summary>
public static class BatchSubset
{
    /// <summary>
    /// Returns a new batch where samples with <paramref name="selected"/> set are replaced by
    /// <paramref name="op"/>(those samples, their positions); the others are untouched (bit-identical).
    /// </summary>
    public static Tensor Apply(Tensor images, bool[] selected, Func<Tensor, int[], Tensor> op)
    {
        if (selected.Length != images.shape[0]) throw new ArgumentException($"one flag per sample ({images.shape[0]})", nameof(selected));
        var rows = Enumerable.Range(0, selected.Length).Where(i => selected[i]).ToArray();
        if (rows.Length == 0) return images.alias();
        if (rows.Length == selected.Length) return op(images, rows);
        using var scope = NewDisposeScope();
        var index = tensor(rows.Select(r => (long)r).ToArray(), device: images.device);
        var changed = op(images.index_select(0, index), rows);
        return images.index_copy(0, index, changed).MoveToOuterDisposeScope();
    }

    /// <summary>Per-sample scalars as a [n, 1, 1, 1] tensor on the batch's device and dtype.</summary>
    public static Tensor PerSample(Tensor like, IEnumerable<double> values)
    {
        var v = values.ToArray();
        return tensor(v, [v.Length, 1, 1, 1], ScalarType.Float64).to(like.dtype, like.device);
    }
}
