// Train-step throughput (images per second) of each method on each backbone, through the real Trainer with the default
// (full-size) heads and optimisers, on random images and a cheap flip+noise view maker (augmentation cost excluded).
// The first two steps (allocation, oneDNN kernel selection) are discarded; the median of the remaining steps is reported.
using System.Diagnostics;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Native;
using SslAnomaly.Training;
using static TorchSharp.torch;

TorchRuntime.EnsureLoaded();
int resolution = args.Length > 0 ? int.Parse(args[0]) : 64;
int batch = args.Length > 1 ? int.Parse(args[1]) : 32;
int timed = args.Length > 2 ? int.Parse(args[2]) : 5;
int threads = args.Length > 3 ? int.Parse(args[3]) : Environment.ProcessorCount;
string? only = args.Length > 4 ? args[4] : null;
set_num_threads(threads);
Console.WriteLine($"# {resolution} px, batch {batch}, {timed} timed steps after 2 warm-up steps, {get_num_threads()} threads, {Environment.ProcessorCount} cores");
Console.WriteLine("method      backbone   img/s (median)  s/step  views/step");

foreach (var backboneName in BackboneConfig.Names)
    foreach (var name in MethodFactory.Names)
    {
        if (only is not null && !$"{name}/{backboneName}".Contains(only)) continue;
        if (name == "mae" && backboneName == BackboneConfig.ResNet18) continue; // blank in the paper: needs a ViT
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var method = MethodFactory.Create(name, BackboneFactory.Create(new BackboneConfig(backboneName, resolution)), trainDefectShare: 0.1);
        int steps = timed + 2;
        using var source = new TensorBatchSource(randn(batch * steps, 3, resolution, resolution), rand(batch * steps).lt(0.1).to(ScalarType.Float32), batch, shuffle: false);
        var views = new DelegateViewRecipe(method.ViewCount, (images, g) => Enumerable.Range(0, method.ViewCount)
            .Select(_ => images.flip(3).add(randn(images.shape, generator: g).mul(0.05))).ToList());
        var seconds = new List<double>();
        var clock = Stopwatch.StartNew();
        var sink = new Sink(name => { if (name == "train/loss") { seconds.Add(clock.Elapsed.TotalSeconds); clock.Restart(); } });
        var outcome = new Trainer(method, source, views, new TrainerOptions { Epochs = 1, CollapsePatience = 0 }, sink).Run();
        if (!outcome.Completed) throw new InvalidOperationException(outcome.Failure?.Reason);
        var measured = seconds.Skip(2).Order().ToList();
        double median = measured[measured.Count / 2];
        Console.WriteLine($"{name,-11} {backboneName,-10} {batch / median,14:F1}  {median,6:F2}  {method.ViewCount}");
    }

sealed class Sink(Action<string> onLog) : IMetricsSink
{
    public void Log(long step, string name, double value) => onLog(name);
    public void Flush() { }
}
