using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Experiments;
using SslAnomaly.Methods;
using SslAnomaly.Numerics;
using Spectre.Console;

namespace SslAnomaly.Bench;

/// <summary>
/// The fresh-process protocol (--only fresh): each timed window runs in a process of its own, started for it, with a
/// warm-up window first and nothing else alive in it (no second model, no other side waiting on a pipe). Ours is this
/// harness started again with --child-train; a reference is pytorch_reference.py. The plan (<see cref="FreshPlan"/>)
/// runs every configuration's rounds in a random order, in repeated blocks, and every ratio comes with a hierarchical
/// bootstrap interval (<see cref="Bootstrap"/>), in wall-clock and in CPU time.
/// </summary>
public sealed class FreshRounds(BenchOptions options, Action<string> log)
{
    /// <summary>The line our child prints its window on (the rest of its output is the harness's usual logging).</summary>
    public const string ResultMarker = "FRESH-WINDOW ";

    /// <summary>A compiled step builds its kernels in the warm-up; later steps can still recompile once (grad mode, shapes).</summary>
    const int CompileWarmupSteps = 2;

    static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(15);

    // ---------------------------------------------------------------- the child: one window of ours

    /// <summary>Runs in the child process: one warm-up and one timed window of the case, printed as one JSON line.</summary>
    public static int RunOursChild(BenchOptions options)
    {
        var backbone = options.Backbones[0];
        var c = new TrainCase(backbone, options.Methods[0], 64, options.Batch, backbone == BackboneConfig.VitTiny ? options.PatchOverride ?? 0 : 0);
        var bench = new TrainStepBench(options with { NoPython = true, RoundsOverride = 1 }, python: null);
        var result = bench.Run(c);
        var window = result.Comparison.Ours[0];
        var json = new JsonObject
        {
            ["seconds"] = window.Seconds,
            ["cpu_seconds"] = window.CpuSeconds,
            ["images"] = window.Images,
            ["small_map_products"] = SmallMapConvolution.Enabled,
            ["omp_wait_policy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "default",
            ["kernels_clean"] = result.OurKernels?.Clean,
            ["step_gflop"] = result.Flops.StepFlops / 1e9,
        };
        Console.WriteLine(ResultMarker + json.ToJsonString());
        return 0;
    }

    // ---------------------------------------------------------------- the parent

    sealed record JobResult(FreshJob Job, Window? Window, string? Failure);

    /// <summary>Fills the report's "like_for_like" section; returns its summary for the targets.</summary>
    public FreshSummary Run(BenchReport report)
    {
        var section = report.Section("like_for_like");
        var scale = Profiles.Scale(options.Profile);
        int batch = options.BatchOverride ?? scale.BatchSize;
        int patch = options.PatchOverride ?? scale.PatchSize;
        int resolution = scale.Resolution;

        // The references that can run here; one that cannot is named with the reason and left out.
        var references = new List<ReferenceInstall>();
        var referencesJson = new JsonObject();
        var wanted = options.ReferencesOverride ?? [ReferenceInstall.Torch113, .. File.Exists(ReferenceInstall.Torch26Python) ? new[] { ReferenceInstall.Torch26, ReferenceInstall.Torch26Compile } : []];
        foreach (var name in wanted)
        {
            var install = ReferenceInstall.Of(name, options.Python);
            using var probe = PythonReference.TryStart(install.Python, options.Threads, new Dictionary<string, string?>(), out var reason);
            if (probe is null || (install.Compile && probe.Hello["compile_available"]?.GetValue<bool>() != true))
            {
                reason ??= "this torch has no torch.compile";
                referencesJson[name] = new JsonObject { ["available"] = false, ["skipped_because"] = reason };
                AnsiConsole.MarkupLine($"[yellow]reference {name} skipped:[/] {Markup.Escape(reason)}");
                continue;
            }
            references.Add(install);
            var hello = (JsonObject)probe.Hello.DeepClone();
            hello["available"] = true;
            hello["python_path"] = install.Python;
            hello["compile"] = install.Compile;
            referencesJson[name] = hello;
            log($"reference {name}: torch {probe.Hello["torch"]}, BLAS {string.Join(", ", probe.Hello["blas_libraries"]?.AsArray().Select(l => l?.ToString()) ?? [])}{(install.Compile ? ", torch.compile" : "")}");
        }
        section["references"] = referencesJson;

        var cells = new List<(FreshCell Cell, IReadOnlyList<SideConfig> Configs)>();
        foreach (int threads in options.ThreadRows)
            foreach (var backbone in options.Backbones)
                foreach (var method in options.Methods.Where(m => MethodRegistry.Get(m).Accepts(backbone)))
                {
                    var cell = new FreshCell(backbone, method, resolution, batch, patch, threads);
                    cells.Add((cell, FreshPlan.Configs(cell, [.. references.Select(r => r.Name)], options.FreshPolicies, options.SmallMapSettings, options.BlasThreads)));
                }
        cells = FreshPlan.Select(cells, options.FreshConfigs);
        var jobs = FreshPlan.Build(cells, options.FreshRounds, options.Repeats, options.Seed);
        section["protocol"] = new JsonObject
        {
            ["profile"] = options.Profile,
            ["resolution"] = resolution,
            ["batch"] = batch,
            ["vit_patch"] = patch,
            ["steps_per_window"] = options.FreshStepsPerWindow,
            ["warmup_windows"] = 1,
            ["compile_warmup_steps"] = CompileWarmupSteps,
            ["rounds"] = options.FreshRounds,
            ["repeats"] = options.Repeats,
            ["order"] = "every configuration's rounds shuffled together within each repeat (seeded); repeats one after another",
            ["process_per_window"] = true,
            ["seed"] = options.Seed,
            ["ratio"] = "median of ours' per-round rates over median of the reference's, every round of every repeat",
            ["interval"] = $"hierarchical percentile bootstrap: repeats with replacement (shared by both sides), then each side's rounds within them; {options.Resamples} resamples, 95 %",
            ["thread_rows"] = new JsonArray([.. options.ThreadRows.Select(t => (JsonNode)t)]),
            ["policies"] = new JsonArray([.. options.FreshPolicies.Select(p => (JsonNode)p)]),
            ["reference_blas_threads"] = new JsonArray([.. options.BlasThreads.Select(t => (JsonNode)t)]),
            ["small_map_settings"] = new JsonArray([.. options.SmallMapSettings.Select(s => (JsonNode)(s ? "on" : "off"))]),
            ["configs"] = options.FreshConfigs is { } selected ? new JsonArray([.. selected.Select(c => (JsonNode)c.ToString())]) : "all",
            ["jobs"] = jobs.Count,
        };
        log($"fresh protocol: {cells.Count} cells, {jobs.Count} processes ({options.FreshRounds} rounds x {options.Repeats} repeats per configuration), batch {batch}, ViT patch {patch}");

        var setups = cells.ToDictionary(c => c.Cell, c => ScriptSetup(c.Cell));
        var verdicts = KernelChecks(cells, references, setups, section);

        var results = new List<JobResult>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var result = job.Config.IsOurs ? RunOurs(job) : RunReference(job, references.First(r => r.Name == job.Config.Side), setups[job.Cell], verdicts);
            results.Add(result);
            if (result.Failure is not null)
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape($"{job.Cell.Key} {job.Config.Key}: {result.Failure}")}[/]");
            if ((i + 1) % 20 == 0 || i + 1 == jobs.Count)
            {
                double perJob = clock.Elapsed.TotalSeconds / (i + 1);
                log($"fresh: {i + 1}/{jobs.Count} processes, about {perJob * (jobs.Count - i - 1) / 60:F0} min left");
            }
        }
        return Analyse(cells, results, section);
    }

    /// <summary>The script's train_setup for a cell (the method's settings from our own method object, as the in-process sections send them).</summary>
    static JsonObject ScriptSetup(FreshCell cell)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var backbone = BackboneFactory.Create(cell.Case.BackboneConfig);
        using var method = MethodFactory.Create(cell.Method, backbone, TrainStepBench.ConfigFor(cell.Method), MethodRecipe.Published(MethodRegistry.Get(cell.Method)).Optimizer);
        var setup = cell.Case.PythonSetup(method, method.ViewCount, PyTorchVariant.Tuned);
        setup["patch"] = cell.IsResNet ? 0 : cell.Patch;
        return setup;
    }

    /// <summary>
    /// The references' check of their fp32 backbone against float64, once per interpreter, backbone and algorithm, in a
    /// process of its own before the plan; its verdict (oneDNN on, or off where it failed) is handed to every timed
    /// process, so no timed process runs the check. torch.compile shares its torch's check: inductor lowers the
    /// convolutions to the same oneDNN kernels.
    /// </summary>
    Dictionary<(string Python, string Backbone, bool SmallMap), bool> KernelChecks(
        List<(FreshCell Cell, IReadOnlyList<SideConfig> Configs)> cells, List<ReferenceInstall> references, Dictionary<FreshCell, JsonObject> setups, JsonObject section)
    {
        var verdicts = new Dictionary<(string, string, bool), bool>();
        var json = new JsonObject();
        foreach (var (cell, configs) in cells)
            foreach (var config in configs.Where(c => !c.IsOurs))
            {
                var install = references.First(r => r.Name == config.Side);
                var key = (install.Python, cell.Backbone, config.SmallMapProducts);
                if (verdicts.ContainsKey(key)) continue;
                string name = $"{install.Name}.{cell.BackboneKey}.{Algorithm(config.SmallMapProducts)}";
                using var python = PythonReference.TryStart(install.Python, cell.Threads, new Dictionary<string, string?>(), out var reason);
                bool passed = true;
                if (python is null) json[name] = new JsonObject { ["skipped_because"] = reason };
                else
                {
                    var setup = (JsonObject)setups[cell].DeepClone();
                    setup["small_map_products"] = config.SmallMapProducts;
                    python.Call(setup);
                    var verdict = python.Call(new JsonObject { ["op"] = "kernel_check", ["variant"] = PyTorchVariant.Tuned });
                    passed = verdict["passed"]?.GetValue<bool>() ?? true;
                    verdict["torch"] = python.Hello["torch"]?.DeepClone();
                    json[name] = verdict;
                    log($"kernel check {install.Name} {cell.Backbone} ({Algorithm(config.SmallMapProducts)}): {verdict["ops_checked"]} ops, worst error {verdict["worst_error"]}, {(passed ? "passed" : "FAILED: timed with oneDNN off")}");
                }
                verdicts[key] = passed;
            }
        section["pytorch_kernel_checks"] = json;
        return verdicts;
    }

    static string Algorithm(bool smallMap) => smallMap ? "products" : "stock";

    JobResult RunOurs(FreshJob job)
    {
        var (file, prefix) = SelfCommand();
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix) info.ArgumentList.Add(a);
        foreach (var a in new[]
                 {
                     "--child-train", "--backbones", job.Cell.Backbone, "--methods", job.Cell.Method, "--batch", Invariant(job.Cell.Batch),
                     "--patch", Invariant(job.Cell.Patch), "--threads", Invariant(job.Cell.Threads), "--steps", Invariant(options.FreshStepsPerWindow),
                     "--omp-wait-ours", job.Config.WaitPolicy,
                 })
            info.ArgumentList.Add(a);
        info.Environment[SmallMapConvolution.EnabledVariable] = job.Config.SmallMapProducts ? "1" : "0";
        info.Environment["OMP_NUM_THREADS"] = Invariant(job.Cell.Threads);
        if (BenchOptions.OmpWaitPolicyVariable(job.Config.WaitPolicy) is { } policy) info.Environment["OMP_WAIT_POLICY"] = policy;
        else info.Environment.Remove("OMP_WAIT_POLICY");
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(JobTimeout))
        {
            process.Kill(entireProcessTree: true);
            return new JobResult(job, null, $"timed out after {JobTimeout.TotalMinutes:F0} min");
        }
        var line = output.Result.Split('\n').LastOrDefault(l => l.StartsWith(ResultMarker, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            return new JobResult(job, null, $"exit code {process.ExitCode}: {LastLine(errors.Result)}");
        var json = JsonNode.Parse(line[ResultMarker.Length..])!;
        return new JobResult(job, new Window(json["seconds"]!.GetValue<double>(), json["images"]!.GetValue<long>(), json["cpu_seconds"]!.GetValue<double>()), null);
    }

    JobResult RunReference(FreshJob job, ReferenceInstall install, JsonObject cellSetup, Dictionary<(string Python, string Backbone, bool SmallMap), bool> verdicts)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OMP_WAIT_POLICY"] = BenchOptions.OmpWaitPolicyVariable(job.Config.WaitPolicy),
            ["OPENBLAS_NUM_THREADS"] = Invariant(job.Config.BlasThreads),
        };
        using var python = PythonReference.TryStart(install.Python, job.Cell.Threads, environment, out var reason);
        if (python is null) return new JobResult(job, null, reason);
        try
        {
            var setup = (JsonObject)cellSetup.DeepClone();
            setup["small_map_products"] = job.Config.SmallMapProducts;
            setup["compile"] = install.Compile;
            setup["mkldnn"] = verdicts.GetValueOrDefault((install.Python, job.Cell.Backbone, job.Config.SmallMapProducts), true);
            python.Call(setup);
            int steps = options.FreshStepsPerWindow;
            python.Call(new JsonObject { ["op"] = "train_run", ["steps"] = install.Compile ? Math.Max(steps, CompileWarmupSteps) : steps });
            var reply = python.Call(new JsonObject { ["op"] = "train_run", ["steps"] = steps });
            return new JobResult(job, new Window(reply["seconds"]!.GetValue<double>(), (long)steps * job.Cell.Batch, reply["cpu_seconds"]!.GetValue<double>()), null);
        }
        catch (InvalidOperationException e)
        {
            // The script's error, not its advice: the first lines of the message, without the trace that follows.
            var message = string.Join(" ", e.Message.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(3));
            return new JobResult(job, null, message.Length > 400 ? message[..400] : message);
        }
    }

    /// <summary>How to start this harness again: its apphost, or dotnet with its assembly.</summary>
    static (string File, string[] Prefix) SelfCommand()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        var name = Path.GetFileNameWithoutExtension(path);
        return name == "dotnet" ? (path, [typeof(FreshRounds).Assembly.Location]) : (path, []);
    }

    static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    static string LastLine(string text) => text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no output";

    // ---------------------------------------------------------------- analysis

    FreshSummary Analyse(List<(FreshCell Cell, IReadOnlyList<SideConfig> Configs)> cells, List<JobResult> results, JsonObject section)
    {
        var summary = new FreshSummary();
        var cellsJson = new JsonObject();
        var failures = results.Where(r => r.Failure is not null).ToList();
        section["failed_processes"] = failures.Count;
        if (failures.Count > 0)
            section["failures"] = new JsonArray([.. failures.Take(20).Select(f => (JsonNode)$"{f.Job.Cell.Key} {f.Job.Config.Key} repeat {f.Job.Repeat} round {f.Job.Round}: {f.Failure}")]);

        foreach (var (cell, configs) in cells)
        {
            var wall = new Dictionary<SideConfig, RoundSamples>();
            var cpu = new Dictionary<SideConfig, RoundSamples>();
            foreach (var config in configs)
            {
                var mine = results.Where(r => r.Job.Cell == cell && r.Job.Config == config && r.Window is not null).ToList();
                wall[config] = new RoundSamples([.. Enumerable.Range(0, options.Repeats).Select(rep => (IReadOnlyList<double>)[.. mine.Where(r => r.Job.Repeat == rep).Select(r => r.Window!.Value.Rate)])]);
                cpu[config] = new RoundSamples([.. Enumerable.Range(0, options.Repeats).Select(rep => (IReadOnlyList<double>)[.. mine.Where(r => r.Job.Repeat == rep).Select(r => r.Window!.Value.CpuRate)])]);
            }
            double Median(SideConfig c) => wall[c].Median;
            var json = new JsonObject
            {
                ["backbone"] = cell.Backbone, ["method"] = cell.Method, ["threads"] = cell.Threads, ["batch"] = cell.Batch,
                ["resolution"] = cell.Resolution, ["vit_patch"] = cell.IsResNet ? null : cell.Patch,
            };
            var samples = new JsonObject();
            foreach (var config in configs)
                samples[config.Key] = new JsonObject
                {
                    ["median_images_per_second"] = BenchReport.Num(wall[config].Median),
                    ["median_images_per_cpu_second"] = BenchReport.Num(cpu[config].Median),
                    ["images_per_second"] = new JsonArray([.. wall[config].Repeats.Select(r => (JsonNode)new JsonArray([.. r.Select(v => BenchReport.Num(v))]))]),
                    ["images_per_cpu_second"] = new JsonArray([.. cpu[config].Repeats.Select(r => (JsonNode)new JsonArray([.. r.Select(v => BenchReport.Num(v))]))]),
                };
            json["samples"] = samples;

            // Per reference: the framework ratio (the same algorithm on both sides: ResNet-18's 2x2 maps as products on
            // both; ViT-Tiny has none) and the product ratio (ours as shipped, products on, against the reference as a
            // PyTorch user has it, torchvision's convolutions), each in every row of the policy matrix.
            var byReference = new JsonObject();
            foreach (var reference in configs.Where(c => !c.IsOurs).Select(c => c.Side).Distinct())
            {
                var kinds = new JsonObject();
                foreach (var (kind, oursProducts, theirProducts) in new[] { ("framework", cell.IsResNet, cell.IsResNet), ("product", cell.IsResNet, false) })
                {
                    var rows = new JsonObject();
                    foreach (var row in PolicyMatrix.Rows)
                    {
                        var ours = PolicyMatrix.Pick(row, configs.Where(c => c.IsOurs && c.SmallMapProducts == oursProducts), cell.Threads, Median);
                        var theirs = PolicyMatrix.Pick(row, configs.Where(c => c.Side == reference && c.SmallMapProducts == theirProducts), cell.Threads, Median);
                        var comparison = Compare(ours, theirs, wall, cpu);
                        rows[PolicyMatrix.Name(row)] = comparison.Json;
                        summary.Add(cell, reference, kind, row, comparison);
                    }
                    kinds[kind] = rows;
                }
                byReference[reference] = kinds;
            }
            json["vs_reference"] = byReference;

            // The target's comparison: ours at its fastest measured configuration against the fastest reference
            // configuration of all (any PyTorch, policy, OpenBLAS threads, algorithm, eager or compiled).
            var oursFastest = configs.Where(c => c.IsOurs).Where(c => double.IsFinite(Median(c))).OrderByDescending(Median).FirstOrDefault();
            var theirFastest = configs.Where(c => !c.IsOurs).Where(c => double.IsFinite(Median(c))).OrderByDescending(Median).FirstOrDefault();
            var fastest = Compare(oursFastest, theirFastest, wall, cpu);
            json["vs_fastest_reference"] = fastest.Json;
            summary.AddFastest(cell, fastest);
            cellsJson[cell.Key] = json;
        }
        section["cells"] = cellsJson;
        summary.Write(section, options.Resamples, options.Seed);
        return summary;
    }

    FreshComparison Compare(SideConfig? ours, SideConfig? theirs, Dictionary<SideConfig, RoundSamples> wall, Dictionary<SideConfig, RoundSamples> cpu)
    {
        if (ours is null || theirs is null) return new FreshComparison(ours, theirs, null, null, Interval.Missing, Interval.Missing);
        var w = Bootstrap.Ratio(wall[ours], wall[theirs], options.Resamples, seed: options.Seed);
        var c = Bootstrap.Ratio(cpu[ours], cpu[theirs], options.Resamples, seed: options.Seed);
        return new FreshComparison(ours, theirs, (wall[ours], wall[theirs]), (cpu[ours], cpu[theirs]), w, c);
    }
}

/// <summary>One comparison of the protocol: the two configurations, their samples, and the wall and CPU-time ratios.</summary>
public sealed record FreshComparison(SideConfig? Ours, SideConfig? Theirs, (RoundSamples Ours, RoundSamples Theirs)? Wall,
    (RoundSamples Ours, RoundSamples Theirs)? Cpu, Interval WallRatio, Interval CpuRatio)
{
    public JsonObject Json => new()
    {
        ["ours"] = Ours?.Key,
        ["reference"] = Theirs?.Key,
        ["ours_images_per_second"] = BenchReport.Num(Wall?.Ours.Median ?? double.NaN),
        ["reference_images_per_second"] = BenchReport.Num(Wall?.Theirs.Median ?? double.NaN),
        ["wall"] = IntervalJson(WallRatio),
        ["cpu_time"] = IntervalJson(CpuRatio),
    };

    public static JsonObject IntervalJson(Interval i) => new()
    {
        ["ratio"] = BenchReport.Num(i.Estimate),
        ["lower"] = BenchReport.Num(i.Lower),
        ["upper"] = BenchReport.Num(i.Upper),
    };
}

/// <summary>
/// What the fresh protocol found, per backbone and thread row: the geometric means over methods (with their own
/// intervals) and the targets against the fastest reference configuration.
/// </summary>
public sealed class FreshSummary
{
    readonly List<(FreshCell Cell, string Reference, string Kind, PolicyRow Row, FreshComparison Comparison)> comparisons = [];
    readonly List<(FreshCell Cell, FreshComparison Comparison)> fastest = [];

    /// <summary>Target of every method against the fastest reference (the lowest ratio and the lowest interval end).</summary>
    public const double EveryMethodTarget = 1.0;
    /// <summary>Target of each backbone's geometric mean over methods against the fastest reference.</summary>
    public const double GeomeanTarget = 1.05;

    /// <param name="kind">"framework" (the same algorithm on both sides) or "product" (each as shipped).</param>
    public void Add(FreshCell cell, string reference, string kind, PolicyRow row, FreshComparison comparison) => comparisons.Add((cell, reference, kind, row, comparison));
    public void AddFastest(FreshCell cell, FreshComparison comparison) => fastest.Add((cell, comparison));

    /// <summary>Per backbone at the bench's first thread row: (geomean interval, lowest method ratio, lowest lower end), for the report's targets.</summary>
    public Dictionary<string, (Interval Geomean, double MinRatio, double MinLower)> Targets { get; } = new();

    public IReadOnlyList<(FreshCell Cell, FreshComparison Comparison)> Fastest => fastest;
    public IReadOnlyList<(FreshCell Cell, string Reference, string Kind, PolicyRow Row, FreshComparison Comparison)> Comparisons => comparisons;

    /// <summary>Per backbone and thread row: the geometric mean over methods against the fastest reference, wall and CPU time.</summary>
    public Dictionary<(string Backbone, int Threads), (Interval Wall, Interval Cpu)> Geomeans { get; } = new();

    public void Write(JsonObject section, int resamples, int seed)
    {
        var geomeans = new JsonObject();
        var targets = new JsonObject();
        int headlineThreads = fastest.Count > 0 ? fastest[0].Cell.Threads : 0;
        foreach (var group in fastest.GroupBy(f => (f.Cell.BackboneKey, f.Cell.Threads)))
        {
            var key = $"{group.Key.BackboneKey}.threads{group.Key.Threads}";
            var complete = group.Where(f => f.Comparison.Wall is not null).ToList();
            var geomean = complete.Count == group.Count()
                ? Bootstrap.GeometricMean([.. complete.Select(f => f.Comparison.Wall!.Value)], resamples, seed: seed)
                : Interval.Missing;
            var cpuGeomean = complete.Count == group.Count()
                ? Bootstrap.GeometricMean([.. complete.Select(f => f.Comparison.Cpu!.Value)], resamples, seed: seed)
                : Interval.Missing;
            Geomeans[group.Key] = (geomean, cpuGeomean);
            var json = new JsonObject
            {
                ["vs_fastest_reference"] = new JsonObject { ["wall"] = FreshComparison.IntervalJson(geomean), ["cpu_time"] = FreshComparison.IntervalJson(cpuGeomean) },
            };
            foreach (var byReference in comparisons.Where(f => f.Cell.BackboneKey == group.Key.BackboneKey && f.Cell.Threads == group.Key.Threads).GroupBy(f => (f.Reference, f.Kind)))
            {
                var rows = new JsonObject();
                foreach (var byRow in byReference.GroupBy(f => f.Row))
                {
                    var pairs = byRow.Select(f => f.Comparison).ToList();
                    rows[PolicyMatrix.Name(byRow.Key)] = pairs.All(p => p.Wall is not null)
                        ? new JsonObject
                        {
                            ["wall"] = FreshComparison.IntervalJson(Bootstrap.GeometricMean([.. pairs.Select(p => p.Wall!.Value)], resamples, seed: seed)),
                            ["cpu_time"] = FreshComparison.IntervalJson(Bootstrap.GeometricMean([.. pairs.Select(p => p.Cpu!.Value)], resamples, seed: seed)),
                        }
                        : null;
                }
                json[$"{byReference.Key.Kind}_vs_{byReference.Key.Reference}"] = rows;
            }
            geomeans[key] = json;
            if (group.Key.Threads != headlineThreads) continue;
            double minRatio = group.Select(f => f.Comparison.WallRatio.Estimate).DefaultIfEmpty(double.NaN).Min();
            double minLower = group.Select(f => f.Comparison.WallRatio.Lower).DefaultIfEmpty(double.NaN).Min();
            Targets[group.Key.BackboneKey] = (geomean, minRatio, minLower);
            targets[$"every_method_vs_fastest_reference_{group.Key.BackboneKey}"] = new JsonObject
            {
                ["value"] = BenchReport.Num(minRatio), ["lowest_lower_end"] = BenchReport.Num(minLower),
                ["threshold"] = EveryMethodTarget,
                ["met"] = double.IsFinite(minRatio) ? minRatio >= EveryMethodTarget : null,
                ["met_by_lower_end"] = double.IsFinite(minLower) ? minLower >= EveryMethodTarget : null,
            };
            targets[$"geomean_vs_fastest_reference_{group.Key.BackboneKey}"] = new JsonObject
            {
                ["value"] = BenchReport.Num(geomean.Estimate), ["lower"] = BenchReport.Num(geomean.Lower), ["upper"] = BenchReport.Num(geomean.Upper),
                ["threshold"] = GeomeanTarget,
                ["met"] = geomean.IsFinite ? geomean.Estimate >= GeomeanTarget : null,
                ["met_by_lower_end"] = double.IsFinite(geomean.Lower) ? geomean.Lower >= GeomeanTarget : null,
            };
        }
        section["geomeans"] = geomeans;
        section["targets"] = targets;
        section["targets_threads"] = headlineThreads;
    }
}

/// <summary>The fresh protocol's console tables: the policy matrix per reference, then the comparison against the fastest reference.</summary>
public static class FreshTables
{
    public static void Print(FreshSummary summary)
    {
        var matrix = new Table().Title("Like for like, fresh processes: ours / PyTorch, median of rounds [[95 % bootstrap interval]]; framework = same algorithm, product = each as shipped").RoundedBorder();
        foreach (var h in new[] { "backbone", "method", "threads", "reference", "policies", "framework wall", "framework CPU", "product wall", "product CPU" })
            matrix.AddColumn(h);
        foreach (var group in summary.Comparisons.GroupBy(c => (c.Cell, c.Reference, c.Row)))
        {
            var framework = group.FirstOrDefault(c => c.Kind == "framework").Comparison;
            var product = group.FirstOrDefault(c => c.Kind == "product").Comparison;
            matrix.AddRow(group.Key.Cell.Backbone, group.Key.Cell.Method, $"{group.Key.Cell.Threads}", group.Key.Reference, PolicyMatrix.Name(group.Key.Row),
                Format(framework?.WallRatio), Format(framework?.CpuRatio), Format(product?.WallRatio), Format(product?.CpuRatio));
        }
        AnsiConsole.Write(matrix);

        var table = new Table().Title("Against the fastest reference configuration (ours at its fastest; targets: every method >= 1.0, geomean >= 1.05)").RoundedBorder();
        foreach (var h in new[] { "backbone", "method", "threads", "ours", "img/s", "reference", "img/s", "wall ratio", "CPU-time ratio" })
            table.AddColumn(h);
        foreach (var (cell, c) in summary.Fastest)
            table.AddRow(cell.Backbone, cell.Method, $"{cell.Threads}", Markup.Escape(c.Ours?.Key ?? "-"), Number(c.Wall?.Ours.Median),
                Markup.Escape(c.Theirs?.Key ?? "-"), Number(c.Wall?.Theirs.Median), Format(c.WallRatio, FreshSummary.EveryMethodTarget), Format(c.CpuRatio));
        foreach (var ((backbone, threads), (wall, cpu)) in summary.Geomeans)
            table.AddRow($"[bold]{backbone}[/]", "[bold]geomean[/]", $"{threads}", "", "", "", "", Format(wall, FreshSummary.GeomeanTarget), Format(cpu));
        AnsiConsole.Write(table);
    }

    static string Number(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("F1", CultureInfo.InvariantCulture) : "-";

    static string Format(Interval? interval, double? target = null)
    {
        if (interval is not { IsFinite: true } i) return "-";
        string text = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{i.Estimate:F2} [{i.Lower:F2}, {i.Upper:F2}]"));
        return target is { } t ? (i.Estimate >= t ? $"[green]{text}[/]" : $"[red]{text}[/]") : text;
    }
}
