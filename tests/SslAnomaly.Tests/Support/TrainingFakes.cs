using SslAnomaly.Backbones;
using SslAnomaly.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Support;

/// <summary>
/// Stand-in for the augmentation pipeline (branch data): every view is the batch, horizontally flipped per image with
/// probability 1/2 and with Gaussian noise added, all drawn from the trainer's generator.
/// </summary>
public sealed class FlipNoiseViews(int viewCount, double noise = 0.1) : IViewRecipe
{
    public int ViewCount { get; } = viewCount;

    public IReadOnlyList<Tensor> MakeViews(Tensor images, Generator generator)
    {
        var views = new List<Tensor>();
        for (int v = 0; v < ViewCount; v++)
        {
            var flip = rand(images.shape[0], generator: generator).lt(0.5).reshape(-1, 1, 1, 1);
            var view = where(flip, images.flip(3), images);
            views.Add(view.add(randn(images.shape, generator: generator).mul(noise)));
        }
        return views;
    }
}

/// <summary>Keeps every logged value in memory.</summary>
public sealed class RecordingSink : IMetricsSink
{
    public List<(long Step, string Name, double Value)> Entries { get; } = [];
    public Action<long, string, double>? OnLog { get; init; }
    public int Flushes { get; private set; }

    public void Log(long step, string name, double value)
    {
        Entries.Add((step, name, value));
        OnLog?.Invoke(step, name, value);
    }

    public void Flush() => Flushes++;

    public double[] Values(string name) => Entries.Where(e => e.Name == name).Select(e => e.Value).ToArray();
}

/// <summary>A two-layer conv net for tests that need many cheap steps (the real backbones are tested elsewhere).</summary>
public sealed class TinyBackbone : Backbone
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1;

    public TinyBackbone(int resolution = 16) : base(nameof(TinyBackbone), new BackboneConfig("tiny-test", resolution))
    {
        conv1 = nn.Conv2d(3, 8, 3, padding: 1);
        bn1 = nn.BatchNorm2d(8);
        conv2 = nn.Conv2d(8, 16, 3, stride: 2, padding: 1);
        RegisterComponents();
    }

    public override int FeatureDim => 16;

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(images)));
        return nn.functional.relu(conv2.call(x)).mean([2, 3]).MoveToOuterDisposeScope();
    }
}

public static class TrainingData
{
    /// <summary>A fixed set of smooth random images [n, 3, res, res] with 0/1 labels (half defects), reproducible by seed.</summary>
    public static (Tensor Images, Tensor Labels) Images(int n, int resolution, long seed = 5)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var coarse = randn(n, 3, 4, 4, generator: generator);
        var images = nn.functional.interpolate(coarse, [resolution, resolution], mode: InterpolationMode.Bilinear, align_corners: false)
            .add(randn(n, 3, resolution, resolution, generator: generator).mul(0.2));
        var labels = arange(n).remainder(2).to(ScalarType.Float32);
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
