using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>
/// Per-sample colour-jitter parameters: factors for the four adjustments and the order they run in
/// (0 brightness, 1 contrast, 2 saturation, 3 hue), as torchvision's <c>ColorJitter.get_params</c> draws
/// them per image. Samples with <see cref="Apply"/> false are left untouched.
/// </summary>
public sealed record JitterParams(bool[] Apply, double[] Brightness, double[] Contrast, double[] Saturation, double[] Hue, int[][] Order);

/// <summary>
/// torchvision's colour adjustments on a batch with per-sample factors (the formulas of
/// <c>functional_tensor</c>: blends clamped to [0, 1], contrast around the mean luma of each image, hue
/// through HSV), and ColorJitter with a random order per sample.
/// </summary>
public static class ColorJitter
{
    /// <summary>(f·x) clamped: a blend with black.</summary>
    public static Tensor AdjustBrightness(Tensor images, IReadOnlyList<double> factors)
    {
        using var f = BatchSubset.PerSample(images, factors);
        return images.mul(f).clamp_(0, 1);
    }

    /// <summary>Blend with the mean luma of each image.</summary>
    public static Tensor AdjustContrast(Tensor images, IReadOnlyList<double> factors)
    {
        using var scope = NewDisposeScope();
        var mean = Grayscale.Luma(images).mean([-3, -2, -1], keepdim: true);
        return Blend(images, mean, BatchSubset.PerSample(images, factors)).MoveToOuterDisposeScope();
    }

    /// <summary>Blend with the image's own luma.</summary>
    public static Tensor AdjustSaturation(Tensor images, IReadOnlyList<double> factors)
    {
        using var scope = NewDisposeScope();
        return Blend(images, Grayscale.Luma(images), BatchSubset.PerSample(images, factors)).MoveToOuterDisposeScope();
    }

    /// <summary>Rotate hue by a factor in [-0.5, 0.5] turns.</summary>
    public static Tensor AdjustHue(Tensor images, IReadOnlyList<double> factors)
    {
        using var scope = NewDisposeScope();
        var hsv = Hsv.FromRgb(images).unbind(-3);
        var shift = BatchSubset.PerSample(images, factors).squeeze(-1);
        var h = hsv[0].add(shift).remainder(1.0);
        return Hsv.ToRgb(stack([h, hsv[1], hsv[2]], -3)).MoveToOuterDisposeScope();
    }

    static Tensor Blend(Tensor a, Tensor b, Tensor ratio) => a.mul(ratio).add_(b.mul(ratio.neg().add(1.0))).clamp_(0, 1);

    /// <summary>
    /// Runs the four adjustments on each selected sample in that sample's own order. At every step the
    /// samples are grouped by which adjustment they run, so the work stays four batched ops per step.
    /// </summary>
    public static Tensor Apply(Tensor images, JitterParams p)
    {
        int n = (int)images.shape[0];
        if (p.Apply.Length != n || p.Order.Length != n) throw new ArgumentException($"one parameter set per sample ({n})", nameof(p));
        var x = images.alias();
        for (int step = 0; step < 4; step++)
            for (int op = 0; op < 4; op++)
            {
                var selected = Enumerable.Range(0, n).Select(i => p.Apply[i] && p.Order[i][step] == op).ToArray();
                var next = BatchSubset.Apply(x, selected, (sub, rows) => op switch
                {
                    0 => AdjustBrightness(sub, rows.Select(r => p.Brightness[r]).ToArray()),
                    1 => AdjustContrast(sub, rows.Select(r => p.Contrast[r]).ToArray()),
                    2 => AdjustSaturation(sub, rows.Select(r => p.Saturation[r]).ToArray()),
                    _ => AdjustHue(sub, rows.Select(r => p.Hue[r]).ToArray()),
                });
                x.Dispose();
                x = next;
            }
        return x;
    }

    /// <summary>
    /// Draws parameters as torchvision's ColorJitter(brightness, contrast, saturation, hue) wrapped in
    /// RandomApply(p): factors uniform in [max(0, 1 − t), 1 + t], hue in [−h, h], a random order per sample.
    /// </summary>
    public static JitterParams Sample(Generator generator, int count, double p, double brightness, double contrast, double saturation, double hue) => new(
        RandomDraws.Bernoulli(generator, count, p),
        RandomDraws.Uniform(generator, count, Math.Max(0, 1 - brightness), 1 + brightness),
        RandomDraws.Uniform(generator, count, Math.Max(0, 1 - contrast), 1 + contrast),
        RandomDraws.Uniform(generator, count, Math.Max(0, 1 - saturation), 1 + saturation),
        RandomDraws.Uniform(generator, count, -hue, hue),
        RandomDraws.Permutations(generator, count, 4));
}

/// <summary>torchvision's tensor RGB↔HSV conversion (<c>_rgb2hsv</c>, <c>_hsv2rgb</c>), batched.</summary>
public static class Hsv
{
    public static Tensor FromRgb(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        var c = rgb.unbind(-3);
        Tensor r = c[0], g = c[1], b = c[2];
        var maxc = rgb.amax([-3]);
        var minc = rgb.amin([-3]);
        var eqc = maxc.eq(minc);
        var cr = maxc.sub(minc);
        var ones = ones_like(maxc);
        var s = cr.div(ones.where(eqc, maxc));
        var crDivisor = ones.where(eqc, cr);
        var rc = maxc.sub(r).div(crDivisor);
        var gc = maxc.sub(g).div(crDivisor);
        var bc = maxc.sub(b).div(crDivisor);
        var isR = maxc.eq(r);
        var isG = maxc.eq(g).logical_and(isR.logical_not());
        var isB = maxc.ne(g).logical_and(isR.logical_not());
        var hr = isR.to(rgb.dtype).mul(bc.sub(gc));
        var hg = isG.to(rgb.dtype).mul(rc.sub(bc).add(2.0));
        var hb = isB.to(rgb.dtype).mul(gc.sub(rc).add(4.0));
        var h = hr.add(hg).add(hb).div(6.0).add(1.0).fmod(1.0);
        return stack([h, s, maxc], -3).MoveToOuterDisposeScope();
    }

    public static Tensor ToRgb(Tensor hsv)
    {
        using var scope = NewDisposeScope();
        var c = hsv.unbind(-3);
        Tensor h = c[0], s = c[1], v = c[2];
        var i = h.mul(6.0).floor();
        var f = h.mul(6.0).sub(i);
        var sector = i.to(ScalarType.Int32).remainder(6).to(ScalarType.Int64);
        var p = v.mul(s.neg().add(1.0)).clamp(0.0, 1.0);
        var q = v.mul(s.mul(f).neg().add(1.0)).clamp(0.0, 1.0);
        var t = v.mul(s.mul(f.neg().add(1.0)).neg().add(1.0)).clamp(0.0, 1.0);
        // Candidates per sector, then pick each pixel's sector (torchvision does the same with a one-hot einsum).
        var red = stack([v, q, p, p, t, v], -3);
        var green = stack([t, v, v, q, p, p], -3);
        var blue = stack([p, p, t, v, v, q], -3);
        var index = sector.unsqueeze(-3);
        return cat([red.gather(-3, index), green.gather(-3, index), blue.gather(-3, index)], -3).MoveToOuterDisposeScope();
    }
}
