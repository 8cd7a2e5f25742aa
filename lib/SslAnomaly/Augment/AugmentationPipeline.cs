using SslAnomaly.Data;
using static TorchSharp.torch;

namespace SslAnomaly.Augment;

/// <summary>
/// Every parameter of one view's augmentation, so experiment configs can override any of them. Defaults
/// are the paper's choice (Appendix A): RandomResizedCrop with min scale 0.395 and ColorJitter with
/// t_val = 0.275 (brightness = contrast = saturation = t, hue = t / 2), inside solo-learn's usual pipeline
/// (jitter p 0.8, grayscale p 0.2, flip p 0.5); blur and solarisation are off unless a method's recipe
/// turns them on (<c>Methods.ViewRecipe</c>). Order as solo-learn: crop, jitter, grayscale, blur, solarise,
/// flip, normalise. Input: float images in [0, 1], [B, 3, H, W], on any device.
/// </summary>
public sealed record AugmentationPipeline
{
    /// <summary>The paper's t_val for ColorJitter.</summary>
    public const double PaperJitterStrength = 0.275;

    public double CropMinScale { get; init; } = 0.395;
    public double CropMaxScale { get; init; } = 1.0;
    public double CropMinRatio { get; init; } = 3.0 / 4.0;
    public double CropMaxRatio { get; init; } = 4.0 / 3.0;
    public double FlipProbability { get; init; } = 0.5;
    public double JitterProbability { get; init; } = 0.8;
    public double Brightness { get; init; } = PaperJitterStrength;
    public double Contrast { get; init; } = PaperJitterStrength;
    public double Saturation { get; init; } = PaperJitterStrength;
    public double Hue { get; init; } = PaperJitterStrength / 2;
    public double GrayscaleProbability { get; init; } = 0.2;
    public double BlurProbability { get; init; }
    /// <summary>Blur sigma range in pixels at 224 px (BYOL's 0.1..2.0); scaled with the output size.</summary>
    public double BlurSigmaMin { get; init; } = 0.1;
    public double BlurSigmaMax { get; init; } = 2.0;
    public double SolarizeProbability { get; init; }
    public double SolarizeThreshold { get; init; } = 0.5;
    public bool Normalize { get; init; } = true;
    public float[] Mean { get; init; } = [.. SewerMlCodes.Mean];
    public float[] Std { get; init; } = [.. SewerMlCodes.Std];

    public static AugmentationPipeline Paper { get; } = new();

    /// <summary>ColorJitter with one strength t: brightness = contrast = saturation = t, hue = t / 2 (the paper's ablation axis).</summary>
    public AugmentationPipeline WithJitterStrength(double t) => this with { Brightness = t, Contrast = t, Saturation = t, Hue = t / 2 };

    /// <summary>Throws a <see cref="UserInputException"/> naming the first out-of-range parameter.</summary>
    public AugmentationPipeline Validate()
    {
        Check(CropMinScale > 0 && CropMinScale <= CropMaxScale && CropMaxScale <= 1, "crop scale must satisfy 0 < min <= max <= 1", $"{CropMinScale}..{CropMaxScale}");
        Check(CropMinRatio > 0 && CropMinRatio <= CropMaxRatio, "crop ratio must satisfy 0 < min <= max", $"{CropMinRatio}..{CropMaxRatio}");
        foreach (var (name, p) in new[] { ("flip", FlipProbability), ("jitter", JitterProbability), ("grayscale", GrayscaleProbability), ("blur", BlurProbability), ("solarize", SolarizeProbability) })
            Check(p is >= 0 and <= 1, $"{name} probability must be in [0, 1]", p.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Check(Brightness >= 0 && Contrast >= 0 && Saturation >= 0, "brightness, contrast and saturation must be >= 0", $"{Brightness}, {Contrast}, {Saturation}");
        Check(Hue is >= 0 and <= 0.5, "hue must be in [0, 0.5]", Hue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Check(BlurSigmaMin > 0 && BlurSigmaMin <= BlurSigmaMax, "blur sigma must satisfy 0 < min <= max", $"{BlurSigmaMin}..{BlurSigmaMax}");
        Check(SolarizeThreshold is >= 0 and <= 1, "solarize threshold must be in [0, 1]", SolarizeThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Check(Mean.Length == 3 && Std.Length == 3 && Std.All(s => s > 0), "mean and std need 3 values, std > 0", $"{Mean.Length}, {Std.Length}");
        return this;

        static void Check(bool ok, string rule, string value)
        {
            if (!ok) throw new UserInputException($"augmentation: {rule} (got {value})");
        }
    }

    /// <summary>
    /// One augmented view per image: [B, 3, H, W] in [0, 1] -> [B, 3, size, size] (normalised unless
    /// <see cref="Normalize"/> is false), on the images' device. All randomness comes from
    /// <paramref name="generator"/> (a CPU generator), in a fixed order.
    /// </summary>
    public Tensor Apply(Tensor images, int size, Generator generator)
    {
        if (images.ndim != 4 || images.shape[1] != 3) throw new ArgumentException($"expected images [B, 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        int n = (int)images.shape[0];
        var x = ResizedCrop.Random(images, generator, size, (CropMinScale, CropMaxScale), (CropMinRatio, CropMaxRatio));
        x = Step(x, ColorJitter.Apply(x, ColorJitter.Sample(generator, n, JitterProbability, Brightness, Contrast, Saturation, Hue)));
        x = Step(x, Grayscale.Random(x, generator, GrayscaleProbability));
        var sigmaScale = size / 224.0;
        x = Step(x, GaussianBlur.Random(x, generator, BlurProbability, GaussianBlur.KernelSizeFor(size), (BlurSigmaMin * sigmaScale, BlurSigmaMax * sigmaScale)));
        x = Step(x, Solarize.Random(x, generator, SolarizeProbability, SolarizeThreshold));
        x = Step(x, HorizontalFlip.Random(x, generator, FlipProbability));
        return Normalize ? Step(x, ImageNormalization.Normalize(x, Mean, Std)) : x;

        static Tensor Step(Tensor previous, Tensor next)
        {
            previous.Dispose();
            return next;
        }
    }
}
