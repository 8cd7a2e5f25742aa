using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Spectre.Console;
using SslAnomaly.Bench;
using SslAnomaly.Methods;
using SslAnomaly.Native;
using static TorchSharp.torch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

// OpenMP reads its settings when libtorch loads: set ours first. Each side gets its own wait policy (BenchOptions).
NativeEnvironment.Set("OMP_WAIT_POLICY", BenchOptions.OmpWaitPolicyVariable(options.OmpWaitOurs));
var pythonEnvironment = new Dictionary<string, string?> { ["OMP_WAIT_POLICY"] = BenchOptions.OmpWaitPolicyVariable(options.OmpWaitPyTorch) };
var load = TorchRuntime.EnsureLoaded();
set_num_threads(options.Threads);
// One window of ours in a process of its own, for the fresh-process protocol's parent (FreshRounds).
if (options.ChildTrain) return FreshRounds.RunOursChild(options);
var report = new BenchReport();
var started = DateTime.UtcNow;
var clock = System.Diagnostics.Stopwatch.StartNew();
void Log(string message) => AnsiConsole.MarkupLine($"[grey]{clock.Elapsed:mm\\:ss}[/] {Markup.Escape(message)}");

var machine = report.Section("machine");
var cpu = SslAnomaly.Numerics.CpuInfo.Read();
machine["cpu"] = cpu.ModelName;
machine["cpu_identity"] = cpu.Describe(); // "AMD EPYC" alone does not say Zen 3 from Zen 5
machine["cores"] = Environment.ProcessorCount;
machine["memory_gb"] = BenchReport.Num(Machine.TotalMemoryGb(), 3);
machine["os"] = RuntimeInformation.OSDescription;
machine["dotnet"] = RuntimeInformation.FrameworkDescription;
machine["code_commit"] = EnvironmentReport.CodeCommit;
machine["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString();
machine["libtorch_dir"] = load.NativeDirectory;
machine["cuda_available"] = cuda.is_available();
machine["load_average_start"] = new JsonArray(Machine.LoadAverage().Select(v => BenchReport.Num(v, 3)).ToArray());
var settings = report.Section("settings");
settings["quick"] = options.Quick;
settings["threads"] = get_num_threads();
settings["interop_threads"] = get_num_interop_threads();
settings["omp_wait_policy"] = new JsonObject { ["ours"] = options.OmpWaitOurs, ["pytorch"] = options.OmpWaitPyTorch };
settings["malloc_tuning"] = NativeAllocator.Applied; // ours only: the library's default (PyTorch keeps glibc's)
settings["resnet_channels_last"] = SslAnomaly.Backbones.ResNet18.ChannelsLast; // ours: the library's default
settings["pytorch_reference"] = PyTorchVariant.Tuned; // the headline ratios' reference; the script's docstring says what it tunes
settings["pytorch_nchw_secondary"] = options.PyTorchNchw;
settings["pytorch_in_process"] = options.Reference; // the in-process sections' PyTorch (the fresh protocol lists its own)
settings["small_map_products"] = SslAnomaly.Numerics.SmallMapConvolution.Enabled; // ours in this process (SSL_ANOMALY_SMALL_MAP_PRODUCTS)
settings["batch_64px"] = options.Batch;
settings["batch_224px"] = options.Include224 ? options.Batch224 : null;
settings["rounds"] = options.Rounds;
settings["steps_per_window"] = options.StepsPerWindow;
settings["started_utc"] = started.ToString("O");
Log($"ssl-anomaly bench: {(options.Quick ? "quick" : "full")}, {get_num_threads()} threads, OpenMP wait: ours {options.OmpWaitOurs}, PyTorch {options.OmpWaitPyTorch}, load {string.Join(" ", Machine.LoadAverage())}");

PythonReference? python = null;
string? pythonSkipped = null;
if (options.NoPython) pythonSkipped = "--no-python";
else if (options.Sections.Any(s => s is "peak" or "train" or "extract" or "augment" or "decode" or "profile"))
{
    python = PythonReference.TryStart(options.ReferencePython, options.Threads, pythonEnvironment, out pythonSkipped);
    if (python is null) AnsiConsole.MarkupLine($"[yellow]PyTorch comparison skipped:[/] {Markup.Escape(pythonSkipped!)}");
    else Log($"PyTorch reference: torch {python.Hello["torch"]}, torchvision {python.Hello["torchvision"]}, BLAS {python.Hello["blas"]} ({string.Join(", ", python.Hello["blas_libraries"]?.AsArray().Select(l => l?.ToString()) ?? [])}), {python.Hello["threads"]} threads");
}
var reference = report.Section("pytorch");
reference["available"] = python is not null;
if (python is not null) foreach (var (key, value) in python.Hello) reference[key] = value?.DeepClone();
else reference["skipped_because"] = pythonSkipped;

var trainResults = new List<TrainCaseResult>();
var extractResults = new List<ExtractResult>();
FreshSummary? fresh = null;
PeakResult? peak = null; // the GEMM peak at the train step's threads: the denominator of every "% of peak"
var augmentResults = new List<AugmentResult>();
int exitCode = 0;
try
{
    if (options.Runs("peak") || options.Runs("train") || options.Runs("extract")) RunPeak();
    if (options.Runs("train"))
    {
        RunTrain();
        // Peak resident memory of each process so far: the training cases dominate both.
        var memory = report.Section("memory");
        memory["train_peak_rss_mb"] = BenchReport.Num(Machine.PeakRssMb());
        if (python is not null) memory["pytorch_train_peak_rss_mb"] = BenchReport.Num(python.PeakRssMb());
    }
    if (options.Runs("augment")) RunAugment();
    if (options.Runs("decode") || options.Runs("synth")) RunData();
    if (options.Runs("extract")) RunExtract();
    if (options.Runs("probe")) RunProbe();
    if (options.Runs("memory")) RunMemory();
    if (options.Runs("profile")) RunProfile();
    if (options.Runs("split")) RunSplit(options.RunsDirectory!);
    if (options.Runs("fresh")) fresh = new FreshRounds(options, Log).Run(report);
}
finally
{
    machine["load_average_end"] = new JsonArray(Machine.LoadAverage().Select(v => BenchReport.Num(v, 3)).ToArray());
    var memory = report.Section("memory");
    memory["peak_rss_mb"] = BenchReport.Num(Machine.PeakRssMb());
    if (python is not null)
    {
        try { memory["pytorch_peak_rss_mb"] = BenchReport.Num(python.PeakRssMb()); }
        catch (InvalidOperationException) { }
        python.Dispose();
    }
    settings["seconds"] = BenchReport.Num(clock.Elapsed.TotalSeconds);
}
Targets();
// The JSON first: a failure while printing must not lose hours of measurement.
if (options.JsonPath is { } path)
{
    report.Write(path);
    Log($"wrote {Path.GetFullPath(path)}");
}
PrintSummary();
return exitCode;

void RunTrain()
{
    var bench = new TrainStepBench(options, python);
    var cases = new List<TrainCase>();
    foreach (var backbone in options.Backbones)
        foreach (var method in options.Methods)
            if (MethodRegistry.Get(method).Accepts(backbone)) cases.Add(new TrainCase(backbone, method, 64, options.Batch, options.PatchOverride ?? 0));
    if (options.Include224)
        foreach (var backbone in options.Backbones)
            foreach (var method in options.Methods)
                if (MethodRegistry.Get(method).Accepts(backbone)) cases.Add(new TrainCase(backbone, method, 224, options.Batch224));
    foreach (var c in cases)
    {
        var result = bench.Run(c);
        trainResults.Add(result);
        var cmp = result.Comparison;
        Log($"train {c.Backbone,-8} {c.Method,-10} {c.Resolution,3} px b{c.Batch}: ours {cmp.OursRate,7:F1} img/s, pytorch {cmp.TheirRate,7:F1} img/s, ratio {cmp.Ratio:F3} " +
            $"(rounds {string.Join(" ", cmp.RoundRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}; cpu-time ratio {cmp.CpuRatio:F2})" +
            (result.Nchw is { } n ? $", vs NCHW {n.Ratio:F3}" : "") +
            $"; {result.Flops.StepFlops / 1e9:F1} GFLOP per step, ours {result.Gflops(cmp.OursRate):F1} GFLOP/s ({SharePercent(result.Gflops(cmp.OursRate)):F0} % of peak counted, " +
            $"{SharePercent(result.ExecutedGflops(cmp.OursRate)):F0} % executed), load {result.LoadAverage:F1}");
        if (result.TheirParameters is { } theirs && theirs != result.OursParameters)
            AnsiConsole.MarkupLine($"[yellow]parameter counts differ for {c}: ours {result.OursParameters:N0}, PyTorch {theirs:N0}[/]");
        GC.Collect();
    }
    foreach (var group in trainResults.GroupBy(r => (r.Case.BackboneKey, r.Case.Resolution)))
    {
        var section = report.Section(group.Key.Resolution == 64 ? $"train_step.{group.Key.BackboneKey}" : $"train_step_{group.Key.Resolution}px.{group.Key.BackboneKey}");
        section["resolution"] = group.Key.Resolution;
        section["batch"] = group.First().Case.Batch;
        section["stem_or_patch"] = group.First().Case.Backbone == "resnet18" ? "imagenet stem" : $"patch {SslAnomaly.Backbones.BackboneFactory.Resolve(group.First().Case.BackboneConfig).PatchSize}";
        var ratios = group.Select(r => r.Comparison.Ratio).ToList();
        section["pytorch_reference"] = PyTorchVariant.Tuned;
        section["ratio_vs_pytorch"] = BenchReport.Num(BenchReport.GeometricMean(ratios));
        section["ratio_vs_pytorch_min"] = BenchReport.Num(ratios.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min());
        if (group.Any(r => r.Nchw is not null))
        {
            // Secondary: the plain NCHW script (--pytorch-nchw), from the same windows of ours.
            var nchw = group.Select(r => r.Nchw?.Ratio ?? double.NaN).ToList();
            section["ratio_vs_pytorch_nchw"] = BenchReport.Num(BenchReport.GeometricMean(nchw));
            section["ratio_vs_pytorch_nchw_min"] = BenchReport.Num(nchw.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min());
        }
        section["ours_share_of_peak_geomean"] = BenchReport.Num(BenchReport.GeometricMean(group.Select(r => Share(r.Gflops(r.Comparison.OursRate)))));
        section["ours_share_of_peak_executed_geomean"] = BenchReport.Num(BenchReport.GeometricMean(group.Select(r => Share(r.ExecutedGflops(r.Comparison.OursRate)))));
        section["ours_images_per_second_geomean"] = BenchReport.Num(BenchReport.GeometricMean(group.Select(r => r.Comparison.OursRate)));
        var methods = new JsonObject();
        foreach (var r in group)
        {
            var json = r.Comparison.ToJson();
            json["ours_parameters"] = r.OursParameters;
            json["pytorch_parameters"] = r.TheirParameters;
            json["load_average_1min"] = BenchReport.Num(r.LoadAverage, 3);
            json["ours_cores_while_pytorch_ran"] = BenchReport.Num(r.OursCoresWhileTheirsRan, 3);
            if (r.OurKernels is { } ours)
                json["ours_kernel_check"] = new JsonObject
                {
                    ["ops_checked"] = ours.OpsChecked,
                    ["verdict"] = ours.Clean ? "passed" : "failed: timed on the remedy",
                    ["remedies"] = new JsonArray([.. ours.Failures.Select(f => (JsonNode)JsonValue.Create($"{f.Op} -> {f.Remedy}"))]),
                };
            if (r.ReferenceKernels is { } theirs) json["pytorch_kernel_check"] = theirs.DeepClone();
            json["step_gflop"] = BenchReport.Num(r.Flops.StepFlops / 1e9);
            json["step_gflop_executed"] = BenchReport.Num(r.Flops.ExecutedStepFlops / 1e9);
            json["forward_gmacs_trained"] = BenchReport.Num(r.Flops.TrainedMacs / 1e9);
            json["forward_gmacs_frozen"] = BenchReport.Num(r.Flops.FrozenMacs / 1e9);
            PeakShares(json, r.Comparison, r.Gflops, r.ExecutedGflops);
            if (r.Nchw is { } n) json["vs_pytorch_nchw"] = n.ToJson();
            methods[r.Case.Method] = json;
        }
        section["methods"] = methods;
    }
}

/// <summary>Both sides' GFLOP/s and shares of the peak, over the counted FLOPs and over the executed ones.</summary>
void PeakShares(JsonObject json, Comparison cmp, Func<double, double> gflops, Func<double, double> executedGflops)
{
    json["ours_gflops"] = BenchReport.Num(gflops(cmp.OursRate));
    json["pytorch_gflops"] = BenchReport.Num(gflops(cmp.TheirRate));
    json["ours_share_of_peak"] = BenchReport.Num(Share(gflops(cmp.OursRate)));
    json["pytorch_share_of_peak"] = BenchReport.Num(Share(gflops(cmp.TheirRate)));
    json["ours_share_of_peak_executed"] = BenchReport.Num(Share(executedGflops(cmp.OursRate)));
    json["pytorch_share_of_peak_executed"] = BenchReport.Num(Share(executedGflops(cmp.TheirRate)));
}

/// <summary>Share of the GEMM peak at the train step's threads (NaN without a peak).</summary>
double Share(double gflops) => peak is { } p ? gflops / p.Best : double.NaN;
double SharePercent(double gflops) => 100 * Share(gflops);

void RunPeak()
{
    var section = report.Section("peak");
    section["gemm_size"] = PeakBench.Size;
    section["convention"] = "fp32 FLOP/s of torch.mm on two n x n matrices, 2 n^3 FLOPs, best of 4";
    foreach (int threads in new[] { 1, options.Threads }.Distinct())
    {
        var r = PeakBench.Run(threads, python);
        section[$"threads_{threads}"] = new JsonObject { ["ours_gflops"] = BenchReport.Num(r.Gflops), ["pytorch_gflops"] = r.PyTorchGflops is { } t ? BenchReport.Num(t) : null };
        Log($"peak: fp32 GEMM {r.Size} x {r.Size} on {threads} thread(s): libtorch {r.Gflops:F1} GFLOP/s, PyTorch script {(r.PyTorchGflops is { } g ? $"{g:F1}" : "-")} GFLOP/s");
        if (threads == options.Threads) peak = r;
    }
    section["gflops"] = BenchReport.Num(peak!.Best);
    section["gflops_source"] = peak.Best > peak.Gflops ? "pytorch" : "ours";
    section["threads"] = peak.Threads;
}

void RunExtract()
{
    var bench = new ExtractBench(options, python);
    var shapes = options.Quick ? new[] { (64, 256) } : new[] { (64, 256), (224, 64) };
    foreach (var (resolution, batch) in shapes)
        foreach (var backbone in options.Backbones)
        {
            var r = bench.Run(backbone, resolution, batch);
            extractResults.Add(r);
            var cmp = r.Comparison;
            Log($"extract {backbone,-8} {resolution,3} px b{batch}: ours {cmp.OursRate,7:F1} img/s, pytorch {cmp.TheirRate,7:F1} img/s, ratio {cmp.Ratio:F3}" +
                (r.Nchw is { } n ? $", vs NCHW {n.Ratio:F3}" : "") + $"; ours {r.Gflops(cmp.OursRate):F1} GFLOP/s ({SharePercent(r.Gflops(cmp.OursRate)):F0} % of peak counted, {SharePercent(r.ExecutedGflops(cmp.OursRate)):F0} % executed)");
        }
    var section = report.Section("extract");
    section["pytorch_reference"] = PyTorchVariant.Tuned;
    section["ratio_vs_pytorch"] = BenchReport.Num(BenchReport.GeometricMean(extractResults.Select(r => r.Comparison.Ratio)));
    if (extractResults.Any(r => r.Nchw is not null))
        section["ratio_vs_pytorch_nchw"] = BenchReport.Num(BenchReport.GeometricMean(extractResults.Select(r => r.Nchw?.Ratio ?? double.NaN)));
    foreach (var r in extractResults)
    {
        var json = r.Comparison.ToJson();
        json["batch"] = r.Batch;
        json["forward_gmacs_per_image"] = BenchReport.Num(r.ForwardMacsPerImage / 1e9);
        json["forward_gmacs_per_image_executed"] = BenchReport.Num(r.ExecutedMacsPerImage / 1e9);
        PeakShares(json, r.Comparison, r.Gflops, r.ExecutedGflops);
        if (r.Nchw is { } n) json["vs_pytorch_nchw"] = n.ToJson();
        section[$"{r.BackboneKey}_{r.Resolution}px"] = json;
    }
}

void RunSplit(string folder)
{
    // Sweeps run one libtorch thread per run, one run per core: the bound is the one-thread GEMM peak times the cores.
    double peakGflops = options.PeakGflopsOverride ?? PeakBench.Run(1, null).Gflops;
    var counter = new GridCost.Counter();
    var cost = new StudyCost(GridCost.Read(folder, counter.Count), peakGflops * 1e9, Environment.ProcessorCount);
    var finished = cost.Finished;
    var section = report.Section("split");
    section["folder"] = Path.GetFullPath(folder);
    section["runs_planned"] = cost.Runs.Count;
    section["runs_finished"] = finished.Count;
    section["peak_gflops_one_thread"] = BenchReport.Num(peakGflops);
    section["peak_source"] = options.PeakGflopsOverride is null ? "measured" : "--peak-gflops";
    section["parallel"] = cost.Parallel;
    section["load_average_1min"] = BenchReport.Num(Machine.LoadAverage()[0]);
    section["unit"] = "process seconds by phase, summed over a group's finished runs (runs in parallel overlap); TFLOP of " +
                      "products (multiply-accumulates x 2) of every planned run; floor: those products at the one-thread GEMM peak";
    static string H(double seconds) => $"{seconds / 3600:F2} h";
    string Share(double share) => double.IsFinite(share) ? $"{100 * share:F0} %" : "–";
    var table = new Table().Title($"{Markup.Escape(folder)}: process time of the finished runs (training, features, the rest: setup, probe, " +
                                  "one-class), the products of every planned run, their time at the one-thread peak, and the share of it training / features reached").RoundedBorder();
    foreach (var h in new[] { "method", "backbone", "done", "training", "features", "rest", "TFLOP", "at peak", "% of peak" })
        table.AddColumn(h);
    JsonObject Row(IReadOnlyCollection<CostedRun> group, string method, string backbone)
    {
        var done = group.Where(r => r.Finished).Select(r => r.Times!).ToList();
        var phases = SslAnomaly.Experiments.PhaseSeconds.Of(done);
        double trainingFlops = group.Sum(r => r.TrainingFlops), featureFlops = group.Sum(r => r.FeatureFlops);
        double atPeak = cost.SecondsAtPeak(trainingFlops + featureFlops);
        double trainingShare = cost.TrainingShareOfPeak(group), featureShare = cost.FeatureShareOfPeak(group);
        bool total = method == "total";
        table.AddRow(total ? "[bold]total[/]" : method, backbone, $"{done.Count}/{group.Count}", H(phases.Training), H(phases.Features),
            H(phases.Setup + phases.Probe + phases.OneClass), $"{(trainingFlops + featureFlops) / 1e12:F0}", total ? $"[bold]{H(atPeak)}[/]" : H(atPeak),
            $"{Share(trainingShare)} / {Share(featureShare)}");
        return new JsonObject
        {
            ["runs_planned"] = group.Count, ["runs_finished"] = done.Count,
            ["setup_s"] = BenchReport.Num(phases.Setup), ["training_s"] = BenchReport.Num(phases.Training), ["features_s"] = BenchReport.Num(phases.Features),
            ["probe_s"] = BenchReport.Num(phases.Probe), ["one_class_s"] = BenchReport.Num(phases.OneClass), ["process_s"] = BenchReport.Num(phases.Wall),
            ["training_tflop"] = BenchReport.Num(trainingFlops / 1e12), ["features_tflop"] = BenchReport.Num(featureFlops / 1e12),
            ["seconds_at_peak_one_thread"] = BenchReport.Num(atPeak),
            ["training_share_of_peak"] = BenchReport.Num(trainingShare), ["features_share_of_peak"] = BenchReport.Num(featureShare),
        };
    }
    var groups = new JsonObject();
    foreach (var group in cost.Runs.GroupBy(r => (r.Method, r.Backbone)))
        groups[$"{group.Key.Method}.{group.Key.Backbone}"] = Row(group.ToList(), group.Key.Method, group.Key.Backbone);
    section["groups"] = groups;
    section["total"] = Row(cost.Runs, "total", "");
    section["floor_wall_s"] = BenchReport.Num(cost.FloorWallSeconds);
    section["busy_wall_s_finished"] = BenchReport.Num(cost.BusyWallSeconds);
    section["unknown_feature_rows"] = cost.Runs.Count(r => r.FeatureRows is null);
    AnsiConsole.Write(table);
    AnsiConsole.MarkupLine(Markup.Escape(
        $"All {cost.Runs.Count} runs need {(cost.TrainingFlops + cost.FeatureFlops) / 1e12:F0} TFLOP ({cost.TrainingFlops / 1e12:F0} training, {cost.FeatureFlops / 1e12:F0} features): " +
        $"at least {H(cost.FloorWallSeconds)} of wall time in fp32 at {peakGflops:F0} GFLOP/s per thread, {cost.Parallel} runs at once, with nothing but products. " +
        $"The {finished.Count} finished runs kept the machine busy for {H(cost.BusyWallSeconds)}."));
    if (cost.Runs.Any(r => r.FeatureRows is null))
        AnsiConsole.MarkupLine("[yellow]features not counted for runs whose feature rows are unknown (no finished run to take them from)[/]");
}

void RunAugment()
{
    var bench = new AugmentBench(options, python);
    foreach (var (recipe, methods) in AugmentBench.Recipes)
    {
        var served = methods.Where(options.Methods.Contains).ToList();
        if (served.Count == 0) continue;
        var result = bench.Run(recipe, served, 64, options.Batch);
        augmentResults.Add(result);
        Log($"augment {recipe,-10} ({result.Views} views) ours {result.Comparison.OursRate,8:F0} img/s, torchvision {result.Comparison.TheirRate,8:F0} img/s, ratio {result.Comparison.Ratio:F2}");
    }
    var section = report.Section("augment");
    section["resolution"] = 64;
    section["batch"] = options.Batch;
    section["ratio_vs_torchvision"] = BenchReport.Num(BenchReport.GeometricMean(augmentResults.Select(r => r.Comparison.Ratio)));
    var recipes = new JsonObject();
    var perMethod = new JsonObject();
    var worst = double.PositiveInfinity;
    foreach (var r in augmentResults)
    {
        var json = r.Comparison.ToJson("ours_images_per_second", "torchvision_images_per_second");
        json["views"] = r.Views;
        json["methods"] = new JsonArray(r.Methods.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray());
        recipes[r.Recipe] = json;
        foreach (var method in r.Methods)
        {
            // The fastest of our train steps for this method at 64 px: the one augmentation must keep up with.
            var train = trainResults.Where(t => t.Case.Method == method && t.Case.Resolution == 64).OrderByDescending(t => t.Comparison.OursRate).FirstOrDefault();
            if (train is null) continue;
            double ratio = r.Comparison.OursRate / train.Comparison.OursRate;
            worst = Math.Min(worst, ratio);
            perMethod[method] = new JsonObject
            {
                ["augment_images_per_second"] = BenchReport.Num(r.Comparison.OursRate),
                ["train_step_images_per_second"] = BenchReport.Num(train.Comparison.OursRate),
                ["train_step_backbone"] = train.Case.Backbone,
                ["ratio"] = BenchReport.Num(ratio),
            };
        }
    }
    section["recipes"] = recipes;
    section["vs_train_step"] = perMethod;
    section["ratio_vs_train_step"] = double.IsFinite(worst) ? BenchReport.Num(worst) : null;
}

void RunData()
{
    using var bench = new DataBench(options, python);
    if (options.Runs("decode"))
    {
        var section = report.Section("decode");
        foreach (var format in new[] { "png", "jpeg" })
            foreach (var size in options.Quick ? new[] { 64 } : new[] { 64, 224 })
            {
                var cmp = bench.Decode(format, size);
                var json = cmp.ToJson("ours_images_per_second", "pil_images_per_second");
                json["source_size"] = 288;
                section[$"{format}_{size}px"] = json;
                Log($"decode {format} 288->{size} px: ours {cmp.OursRate:F0} img/s, PIL {cmp.TheirRate:F0} img/s (one thread each)");
            }
    }
    if (options.Runs("synth"))
    {
        var (one, all) = bench.Synthesis(64);
        var section = report.Section("synthesis");
        section["resolution"] = 64;
        section["images_per_second_one_thread"] = BenchReport.Num(one);
        section["images_per_second_all_cores"] = BenchReport.Num(all);
        Log($"synthesis 64 px (render + PNG): {one:F0} img/s on one thread, {all:F0} img/s on {Environment.ProcessorCount} cores");
    }
}

void RunProbe()
{
    var section = report.Section("linear_probe");
    foreach (var (rows, dim) in options.Quick ? new[] { (2000, 512), (2000, 192) } : new[] { (2000, 512), (2000, 192), (20000, 512) })
    {
        var r = ProbeBench.Run(rows, dim);
        section[$"rows{rows}_dim{dim}"] = new JsonObject
        {
            ["train_seconds"] = BenchReport.Num(r.TrainSeconds),
            ["predict_seconds"] = BenchReport.Num(r.PredictSeconds),
            ["iterations"] = r.Iterations,
            ["converged"] = r.Converged,
        };
        Log($"linear probe {rows} x {dim}: {r.TrainSeconds:F2} s ({r.Iterations} L-BFGS iterations{(r.Converged ? "" : ", not converged")}), scoring {r.PredictSeconds * 1000:F0} ms");
    }
}

void RunMemory()
{
    var bench = new MemoryBench(options);
    var section = report.Section("memory");
    var methods = new JsonObject();
    bool flat = true;
    var names = options.Quick ? options.Methods.Where(m => m is "dino" or "mae" or "byol").DefaultIfEmpty(options.Methods[0]).ToList() : options.Methods.ToList();
    foreach (var name in names)
    {
        var r = bench.Run(name);
        flat &= r.Flat;
        methods[name] = new JsonObject
        {
            ["steps"] = r.Steps,
            ["baseline_rss_mb"] = BenchReport.Num(r.BaselineRssMb),
            ["final_rss_mb"] = BenchReport.Num(r.FinalRssMb),
            ["growth_mb"] = BenchReport.Num(r.GrowthMb, 3),
            ["slope_mb_per_1000_steps"] = BenchReport.Num(r.SlopeMbPer1000Steps, 3),
            ["live_tensors_baseline"] = r.BaselineLiveTensors,
            ["live_tensors_final"] = r.FinalLiveTensors,
            ["flat"] = r.Flat,
            ["seconds"] = BenchReport.Num(r.Seconds),
            ["rss_mb_every_50_steps"] = new JsonArray(r.Samples.Select(s => BenchReport.Num(s.RssMb)).ToArray()),
        };
        Log($"memory {name}: {r.Steps} steps in {r.Seconds:F1} s, RSS {r.BaselineRssMb:F0} -> {r.FinalRssMb:F0} MB after warm-up " +
            $"(slope {r.SlopeMbPer1000Steps:F1} MB/1000 steps), live tensors {r.BaselineLiveTensors} -> {r.FinalLiveTensors}: {(r.Flat ? "flat" : "NOT flat")}");
    }
    section["flat_over_steps"] = options.MemorySteps;
    section["flat"] = flat;
    section["tolerance_mb"] = MemoryResult.ToleranceMb;
    section["methods"] = methods;
}

void RunProfile()
{
    var profiler = new StepProfile(python);
    var section = report.Section("profile");
    int steps = options.StepsOverride ?? 3;
    foreach (var backbone in options.Backbones)
        foreach (var method in options.Methods.Where(m => MethodRegistry.Get(m).Accepts(backbone)))
        {
            var c = new TrainCase(backbone, method, 64, options.Batch, options.PatchOverride ?? 0);
            var (ours, theirs) = profiler.Run(c, steps);
            var json = new JsonObject();
            var table = new Table().Title($"{backbone} {method} 64 px batch {options.Batch}: median ms per step phase over {steps} steps").RoundedBorder();
            table.AddColumn("phase");
            table.AddColumn("ours");
            table.AddColumn("PyTorch");
            foreach (var phase in StepProfile.Phases)
            {
                double t = theirs?.GetValueOrDefault(phase, double.NaN) ?? double.NaN;
                table.AddRow(phase, $"{ours[phase]:F0}", double.IsFinite(t) ? $"{t:F0}" : "-");
                json[phase] = new JsonObject { ["ours_ms"] = BenchReport.Num(ours[phase]), ["pytorch_ms"] = BenchReport.Num(t) };
            }
            section[$"{c.BackboneKey}.{method}"] = json;
            AnsiConsole.Write(table);
        }
}

void Targets()
{
    var targets = report.Section("targets");
    void Check(string name, double? value, double threshold)
    {
        targets[name] = new JsonObject
        {
            ["value"] = value is { } v ? BenchReport.Num(v) : null,
            ["threshold"] = threshold,
            ["met"] = value is { } w ? w >= threshold : null,
        };
    }
    // The bench's speed targets: each backbone's geomean at 1.05x PyTorch or above, and no method's step below parity (64 px, the headline shape).
    Check("train_step_resnet18_vs_pytorch", report.Number("train_step.resnet18.ratio_vs_pytorch"), 1.05);
    Check("train_step_vit_tiny_vs_pytorch", report.Number("train_step.vit_tiny.ratio_vs_pytorch"), 1.05);
    var headlineRatios = trainResults.Where(r => r.Case.Resolution == 64).Select(r => r.Comparison.Ratio).Where(double.IsFinite).ToList();
    Check("train_step_every_method_vs_pytorch", headlineRatios.Count > 0 ? headlineRatios.Min() : null, 1.0);
    Check("augment_vs_train_step", report.Number("augment.ratio_vs_train_step"), 3.0);
    var flat = report.Root["memory"]?["flat"];
    targets["memory_flat"] = new JsonObject { ["met"] = flat?.DeepClone() };
    // The fresh-process protocol's targets, against the fastest reference configuration (like_for_like.targets has the detail).
    if (report.Root["like_for_like"]?["targets"] is JsonObject freshTargets)
        foreach (var (name, value) in freshTargets)
            targets[$"fresh_{name}"] = value?.DeepClone();
}

void PrintSummary()
{
    AnsiConsole.WriteLine();
    var load0 = report.Root["machine"]!["load_average_start"]!.AsArray().Select(v => v?.ToString() ?? "?");
    var load1 = report.Root["machine"]!["load_average_end"]!.AsArray().Select(v => v?.ToString() ?? "?");
    AnsiConsole.MarkupLine($"[bold]Machine[/]: {Markup.Escape(SslAnomaly.Numerics.CpuInfo.Read().ModelName)}, {Environment.ProcessorCount} cores, {get_num_threads()} torch threads; " +
                           $"load average {string.Join(" ", load0)} at start, {string.Join(" ", load1)} at end; no GPU used");
    if (trainResults.Count > 0)
    {
        bool nchw = trainResults.Any(r => r.Nchw is not null);
        var table = new Table().Title("Training step (images/s; ratio = ours / tuned PyTorch, interleaved windows; GFLOP/s and % of the GEMM peak: ours)").RoundedBorder();
        foreach (var h in new[] { "backbone", "method", "px", "batch", "ours", "PyTorch", "ratio" }.Concat(nchw ? ["ratio vs NCHW"] : []).Concat(["GFLOP/s", "% of peak", "round ratios", "load"]))
            table.AddColumn(h);
        foreach (var r in trainResults)
        {
            var c = r.Comparison;
            double gflops = r.Gflops(c.OursRate);
            table.AddRow([r.Case.Backbone, r.Case.Method, $"{r.Case.Resolution}", $"{r.Case.Batch}", $"{c.OursRate:F1}", Fmt(c.TheirRate, "F1"), Ratio(c.Ratio, 1.0),
                .. nchw ? [Fmt(r.Nchw?.Ratio ?? double.NaN, "F2")] : Array.Empty<string>(), $"{gflops:F1}", Fmt(SharePercent(gflops), "F0"),
                string.Join(" ", c.RoundRatios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture))), $"{r.LoadAverage:F1}"]);
        }
        foreach (var key in new[] { "train_step.resnet18", "train_step.vit_tiny", "train_step_224px.resnet18", "train_step_224px.vit_tiny" })
            if (report.Number($"{key}.ratio_vs_pytorch") is { } g)
                table.AddRow([$"[bold]{key.Split('.')[1]}[/]", "[bold]geomean[/]", key.Contains("224") ? "224" : "64", "", "", "", Ratio(g, key.Contains("resnet") ? 1.05 : 1.0),
                    .. nchw ? [Fmt(report.Number($"{key}.ratio_vs_pytorch_nchw") ?? double.NaN, "F2")] : Array.Empty<string>(), "", "", "", ""]);
        AnsiConsole.Write(table);
    }
    if (peak is not null)
        AnsiConsole.MarkupLine($"[bold]GEMM peak[/] (fp32, {PeakBench.Size}^3 torch.mm): " + string.Join(", ", (report.Root["peak"]?.AsObject() ?? []).Where(kv => kv.Key.StartsWith("threads_", StringComparison.Ordinal))
            .Select(kv => $"{kv.Key["threads_".Length..]} thread(s) {kv.Value!["ours_gflops"]} GFLOP/s (PyTorch script {kv.Value["pytorch_gflops"]?.ToString() ?? "-"})")));
    if (extractResults.Count > 0)
    {
        bool nchw = extractResults.Any(r => r.Nchw is not null);
        var table = new Table().Title("Feature extraction (eval, no grad; images/s; ratio = ours / tuned PyTorch under torch.no_grad())").RoundedBorder();
        foreach (var h in new[] { "backbone", "px", "batch", "ours", "PyTorch", "ratio" }.Concat(nchw ? ["ratio vs NCHW"] : []).Concat(["GFLOP/s", "% of peak", "round ratios"]))
            table.AddColumn(h);
        foreach (var r in extractResults)
        {
            var c = r.Comparison;
            double gflops = r.Gflops(c.OursRate);
            table.AddRow([r.Backbone, $"{r.Resolution}", $"{r.Batch}", $"{c.OursRate:F1}", Fmt(c.TheirRate, "F1"), Ratio(c.Ratio, 1.0),
                .. nchw ? [Fmt(r.Nchw?.Ratio ?? double.NaN, "F2")] : Array.Empty<string>(), $"{gflops:F1}", Fmt(SharePercent(gflops), "F0"),
                string.Join(" ", c.RoundRatios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))]);
        }
        AnsiConsole.Write(table);
    }
    if (augmentResults.Count > 0)
    {
        var table = new Table().Title("Augmentation at 64 px (images/s turned into all of a recipe's views)").RoundedBorder();
        foreach (var h in new[] { "recipe", "methods", "views", "ours", "torchvision", "ratio", "train step (fastest)", "aug / train" }) table.AddColumn(h);
        foreach (var r in augmentResults)
        {
            var fastest = trainResults.Where(t => r.Methods.Contains(t.Case.Method) && t.Case.Resolution == 64).Select(t => t.Comparison.OursRate).DefaultIfEmpty(double.NaN).Max();
            table.AddRow(r.Recipe, string.Join(",", r.Methods), $"{r.Views}", $"{r.Comparison.OursRate:F0}", Fmt(r.Comparison.TheirRate, "F0"), Ratio(r.Comparison.Ratio, 1.0),
                Fmt(fastest, "F1"), Ratio(r.Comparison.OursRate / fastest, 3.0));
        }
        AnsiConsole.Write(table);
    }
    var other = new Table().Title("Data, probe and memory").RoundedBorder();
    other.AddColumn("measure");
    other.AddColumn("ours");
    other.AddColumn("reference");
    foreach (var (key, value) in report.Root["decode"]?.AsObject() ?? [])
        other.AddRow($"decode {key.Replace('_', ' ')} (288 px source, 1 thread)", $"{value!["ours_images_per_second"]} img/s", $"PIL {value["pil_images_per_second"]?.ToString() ?? "-"} img/s");
    if (report.Root["synthesis"] is JsonObject synth)
        other.AddRow("embedded-data synthesis 64 px (render + PNG)", $"{synth["images_per_second_one_thread"]} img/s (1 thread), {synth["images_per_second_all_cores"]} img/s (all cores)", "");
    foreach (var (key, value) in report.Root["linear_probe"]?.AsObject() ?? [])
        other.AddRow($"linear probe {key.Replace("rows", "").Replace("_dim", " x ")}", $"{value!["train_seconds"]} s ({value["iterations"]} iterations)", "");
    if (report.Root["memory"] is JsonObject mem)
    {
        if (mem["train_peak_rss_mb"] is { } trainPeak)
            other.AddRow("peak RSS after the training cases", $"{trainPeak} MB", mem["pytorch_train_peak_rss_mb"] is { } p0 ? $"PyTorch {p0} MB" : "");
        other.AddRow("peak RSS of the whole run", $"{mem["peak_rss_mb"]} MB", mem["pytorch_peak_rss_mb"] is { } p ? $"PyTorch {p} MB" : "");
        if (mem["methods"] is JsonObject ms)
            foreach (var (name, m) in ms)
                other.AddRow($"memory over {m!["steps"]} steps ({name}, tiny model)", $"{m["baseline_rss_mb"]} -> {m["final_rss_mb"]} MB, live tensors {m["live_tensors_baseline"]} -> {m["live_tensors_final"]}: {((bool)m["flat"]! ? "flat" : "NOT flat")}", "");
    }
    if (other.Rows.Count > 0) AnsiConsole.Write(other);
    if (fresh is not null) FreshTables.Print(fresh);
    var targets = report.Root["targets"]!.AsObject();
    foreach (var (name, t) in targets)
    {
        var met = t!["met"]?.GetValue<bool>();
        var state = met is null ? "[grey]not measured[/]" : met.Value ? "[green]met[/]" : "[red]not met[/]";
        var lower = t["lower"] ?? t["lowest_lower_end"];
        AnsiConsole.MarkupLine($"target {name}: {(t["value"] is { } v ? $"{v} (>= {t["threshold"]}) " : "")}{(lower is not null ? $"interval's lower end {lower} " : "")}{state}");
    }

    static string Fmt(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
    static string Ratio(double v, double target) =>
        !double.IsFinite(v) ? "-" : v >= target ? $"[green]{v:F2}[/]" : $"[red]{v:F2}[/]";
}
