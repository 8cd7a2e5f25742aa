using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Eval;
using static TorchSharp.torch;

namespace SslAnomaly.Bench;

/// <summary>Feature extraction on both sides: the headline against the tuned script, the NCHW one when asked, and the forward's MACs.</summary>
public sealed record ExtractResult(string Backbone, int Resolution, int Batch, Comparison Comparison, Comparison? Nchw, double ForwardMacsPerImage,
    double ExecutedMacsPerImage)
{
    public string BackboneKey => Backbone.Replace('-', '_');
    /// <summary>Achieved GFLOP/s at <paramref name="imagesPerSecond"/> (2 FLOPs per multiply-accumulate).</summary>
    public double Gflops(double imagesPerSecond) => imagesPerSecond * 2 * ForwardMacsPerImage / 1e9;

    /// <summary>Useful GFLOP/s: over the MACs that touch data (padding taps left out).</summary>
    public double ExecutedGflops(double imagesPerSecond) => imagesPerSecond * 2 * ExecutedMacsPerImage / 1e9;
}

/// <summary>
/// The probe phase's feature extraction: <see cref="FeatureExtractor.Extract"/> (eval mode, no gradients, features copied
/// to host memory) on one large batch of pre-made images per window, against the PyTorch script's backbone in eval mode
/// under torch.no_grad() (channels-last ResNet-18 in the tuned variant). Decoding is measured by the decode section.
/// </summary>
public sealed class ExtractBench(BenchOptions options, PythonReference? python)
{
    public ExtractResult Run(string backboneName, int resolution, int batch)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var c = new TrainCase(backboneName, "supervised", resolution, batch); // for its backbone config only
        var backbone = BackboneFactory.Create(c.BackboneConfig);
        using var generator = new Generator(1);
        var images = randn([batch, 3, resolution, resolution], generator: generator);
        var labels = Enumerable.Range(0, batch).Select(i => new SampleLabel($"{i:D6}.png", i % 20 == 0)).ToArray();
        var macs = FlopCounter.BackboneForward(backbone, resolution);

        Window Ours() => Window.Measure(batch, () => FeatureExtractor.Extract(backbone, [new LabeledBatch(images.alias(), labels)]));
        var theirs = new List<Func<Window>>();
        if (python is not null)
            foreach (var variant in options.PyTorchVariants)
            {
                python.Call(new JsonObject
                {
                    ["op"] = "extract_setup", ["variant"] = variant, ["backbone"] = backboneName, ["resolution"] = resolution,
                    ["patch"] = c.Backbone == BackboneConfig.VitTiny ? BackboneFactory.Resolve(c.BackboneConfig).PatchSize : 0,
                    ["stem"] = "imagenet", ["batch"] = batch,
                });
                theirs.Add(() =>
                {
                    var reply = python.Call(new JsonObject { ["op"] = "extract_run", ["variant"] = variant, ["batches"] = 1 });
                    return new Window(reply["seconds"]!.GetValue<double>(), batch, reply["cpu_seconds"]!.GetValue<double>());
                });
            }
        try
        {
            var headline = Interleaved.Run(options.Rounds, Ours, theirs.Count > 0 ? theirs[0] : null);
            // The secondary comparison in rounds of its own (the interleaving pairs one reference at a time).
            var nchw = theirs.Count > 1 ? Interleaved.Run(options.Rounds, Ours, theirs[1]) : null;
            return new ExtractResult(backboneName, resolution, batch, headline, nchw, macs.ForwardMacs, macs.ExecutedForwardMacs);
        }
        finally
        {
            python?.Call(new JsonObject { ["op"] = "extract_free" });
        }
    }
}
