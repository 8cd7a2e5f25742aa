// Train-step throughput (images per second) of each method on each backbone, through the real Trainer with the default
// (full-size) heads and optimisers, on random images and a cheap flip+noise view maker (augmentation cost excluded).
// The first two steps (allocation, oneDNN kernel selection) are discarded; the median of the remaining steps is reported,
// as wall-clock img/s and as "CPU img/s" = images / (process CPU seconds / threads): on a shared machine the second is what
// an idle machine with that many cores would give (run with OMP_WAIT_POLICY=passive so waiting threads do not spin).
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
Console.WriteLine("method      backbone   wall img/s  CPU img/s  wall s/step  CPU s/step  views/step");

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
        var cpuSeconds = new List<double>();
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        var cpu = process.TotalProcessorTime;
        var sink = new Sink(name =>
        {
            if (name != "train/loss") return;
            process.Refresh();
            seconds.Add(clock.Elapsed.TotalSeconds);
            cpuSeconds.Add((process.TotalProcessorTime - cpu).TotalSeconds);
            clock.Restart();
            cpu = process.TotalProcessorTime;
        });
        var outcome = new Trainer(method, source, views, new TrainerOptions { Epochs = 1, CollapsePatience = 0 }, sink).Run();
        if (!outcome.Completed) throw new InvalidOperationException(outcome.Failure?.Reason);
        double wall = Median(seconds.Skip(2)), cpuPerThread = Median(cpuSeconds.Skip(2)) / threads;
        Console.WriteLine($"{name,-11} {backboneName,-10} {batch / wall,10:F1}  {batch / cpuPerThread,9:F1}  {wall,11:F2}  {cpuPerThread,10:F2}  {method.ViewCount}");
    }

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

sealed class Sink(Action<string> onLog) : IMetricsSink
{
    public void Log(long step, string name, double value) => onLog(name);
    public void Flush() { }
}
