using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SslAnomaly.Augment;

/// <summary>
/// Gaussian blur with a per-sample sigma, as torchvision's <c>gaussian_blur</c> (kernel from
/// <c>linspace(−(k−1)/2, (k−1)/2)</c>, reflect padding), done as two 1-D grouped convolutions so every
/// sample and channel gets its own kernel in one call.
/// </summary>
public static class GaussianBlur
{
    /// <summary>Kernel size for an image size: about 10 % of it, odd, at least 3 (23 at 224 px, as BYOL).</summary>
    public static int KernelSizeFor(int imageSize) => Math.Max(3, (int)(imageSize * 0.1) | 1);

    public static Tensor Apply(Tensor images, int kernelSize, IReadOnlyList<double> sigmas)
    {
        if (kernelSize < 1 || kernelSize % 2 == 0) throw new ArgumentException($"kernel size must be odd and positive, not {kernelSize}", nameof(kernelSize));
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        if (sigmas.Count != n) throw new ArgumentException($"one sigma per sample ({n})", nameof(sigmas));
        using var scope = NewDisposeScope();
        var weights = new float[n * c * kernelSize];
        for (int b = 0; b < n; b++)
        {
            var kernel = Kernel1d(kernelSize, sigmas[b]);
            for (int ch = 0; ch < c; ch++) kernel.CopyTo(weights, (b * c + ch) * kernelSize);
        }
        var kx = tensor(weights, [n * c, 1, 1, kernelSize]).to(images.dtype, images.device);
        var ky = kx.view(n * c, 1, kernelSize, 1);
        var pad = kernelSize / 2;
        var x = F.pad(images.reshape(1, n * c, h, w), [pad, pad, pad, pad], PaddingModes.Reflect);
        x = F.conv2d(x, kx, groups: n * c);
        x = F.conv2d(x, ky, groups: n * c);
        return x.view(n, c, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>torchvision's 1-D kernel: exp(−x²/2σ²) at linspace(−(k−1)/2, (k−1)/2, k), normalised (float32 like torch).</summary>
    public static float[] Kernel1d(int kernelSize, double sigma)
    {
        var half = (kernelSize - 1) * 0.5f;
        var step = kernelSize == 1 ? 0f : 2 * half / (kernelSize - 1);
        var pdf = new float[kernelSize];
        float sum = 0;
        for (int i = 0; i < kernelSize; i++)
        {
            var x = -half + i * step;
            var z = x / (float)sigma;
            pdf[i] = MathF.Exp(-0.5f * z * z);
            sum += pdf[i];
        }
        for (int i = 0; i < kernelSize; i++) pdf[i] /= sum;
        return pdf;
    }

    /// <summary>Blurs the selected samples with sigma uniform in [min, max] (drawn for every sample).</summary>
    public static Tensor Random(Tensor images, Generator generator, double p, int kernelSize, (double Min, double Max) sigma)
    {
        int n = (int)images.shape[0];
        var apply = RandomDraws.Bernoulli(generator, n, p);
        var sigmas = RandomDraws.Uniform(generator, n, sigma.Min, sigma.Max);
        return BatchSubset.Apply(images, apply, (x, rows) => Apply(x, kernelSize, rows.Select(r => sigmas[r]).ToArray()));
    }
}
