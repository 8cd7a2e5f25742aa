using System.Globalization;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;

namespace SslAnomaly.Bench;

/// <summary>The PyTorch script's variants (bench/pytorch_reference.py explains what each one changes).</summary>
public static class PyTorchVariant
{
    /// <summary>The headline: channels-last ResNet-18, the Barlow Twins loss of facebookresearch/barlowtwins, EMA by lerp_.</summary>
    public const string Tuned = "tuned";
    /// <summary>Secondary (--pytorch-nchw): the plain solo-learn-style NCHW script, the default reference before the tuned one.</summary>
    public const string Nchw = "nchw";
}

/// <summary>A command line the harness cannot run; the message says what is wrong.</summary>
public sealed class BenchUsageException(string message) : Exception(message);

/// <summary>
/// What one benchmark run measures. <see cref="Quick"/> keeps the whole run at about five minutes on two cores (64 px only,
/// 5 interleaved rounds of one batch-64 step per side); the full run adds 224 px with a small batch and windows of two
/// steps. Both use batch 64 at 64 px: at batch 32 a step is ~0.2 s and one load blip moves a round's ratio by 20 %.
/// </summary>
public sealed record BenchOptions
{
    public static readonly IReadOnlyList<string> AllSections = ["peak", "train", "extract", "augment", "decode", "synth", "probe", "memory"];
    /// <summary>Sections run only when asked for by --only (split reads a study's runs and costs its plan instead of timing steps).</summary>
    public static readonly IReadOnlyList<string> ExtraSections = ["profile", "split", "fresh"];
    /// <summary>The methods with a training step (the random-init floor has none to time).</summary>
    public static readonly IReadOnlyList<string> AllMethods = [.. MethodRegistry.All.Where(m => m != MethodRegistry.RandomInitFloor).Select(m => m.Name)];
    public static readonly IReadOnlyList<string> AllBackbones = BackboneConfig.Names;

    public bool Quick { get; init; }
    public string? JsonPath { get; init; }
    /// <summary>libtorch intra-op threads on both sides (torch.set_num_threads); default: one per core.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    public string Python { get; init; } = "/usr/bin/python3";
    /// <summary>Skip the PyTorch side (ours only).</summary>
    public bool NoPython { get; init; }
    public IReadOnlyList<string> Sections { get; init; } = AllSections;
    public IReadOnlyList<string> Methods { get; init; } = AllMethods;
    public IReadOnlyList<string> Backbones { get; init; } = AllBackbones;
    /// <summary>Images per batch at 64 px (each method's views are on top: SimCLR trains on 2 x batch views).</summary>
    public int? BatchOverride { get; init; }
    public int? RoundsOverride { get; init; }
    public int? StepsOverride { get; init; }
    /// <summary>Steps of the memory-flatness run per method.</summary>
    public int MemorySteps { get; init; } = 1000;
    public bool Help { get; init; }
    /// <summary>The OpenMP wait policies (OMP_WAIT_POLICY) a side can run under; "default" leaves libgomp's spin-then-sleep.</summary>
    public static readonly string[] OmpWaitPolicies = ["passive", "active", "default"];

    /// <summary>OMP_WAIT_POLICY's value for one of <see cref="OmpWaitPolicies"/>; null (unset) for libgomp's default.</summary>
    public static string? OmpWaitPolicyVariable(string policy) => policy == "default" ? null : policy.ToUpperInvariant();

    /// <summary>
    /// OpenMP wait policy of our process. libgomp's default by default: it is what <c>ssl-anomaly run</c> gets, since the
    /// library sets no policy. Spinning briefly at each barrier before sleeping suits a step of many short parallel
    /// regions; forced passive, every region wakes a sleeping thread, and ours lost 8-12 % on ResNet-18 (README).
    /// </summary>
    public string OmpWaitOurs { get; init; } = "default";

    /// <summary>
    /// OpenMP wait policy of the PyTorch process: passive by default, its fastest here. Under libgomp's default, Debian's
    /// torch ran its ViT-Tiny steps 2.2-2.9x slower (spinning OpenMP threads and OpenBLAS's own pthreads share two cores); active
    /// spins for ever and starves whichever side runs next in the interleaved rounds.
    /// </summary>
    public string OmpWaitPyTorch { get; init; } = "passive";
    /// <summary>
    /// Also time the plain PyTorch script (NCHW, solo-learn's Barlow Twins loss and EMA as written there), the default
    /// reference before the tuned one, as a secondary comparison beside the headline. Off by default: it adds a third
    /// window to every round.
    /// </summary>
    public bool PyTorchNchw { get; init; }
    /// <summary>The study the split section reads (--runs): a sweep folder, a published study or a folder of run folders.</summary>
    public string? RunsDirectory { get; init; }
    /// <summary>The one-thread GEMM peak the split section divides by (--peak-gflops; null: measured in this process). The
    /// runs of a study may have run in other sessions on a faster or slower host than this one.</summary>
    public double? PeakGflopsOverride { get; init; }

    /// <summary>The PyTorch of the in-process sections (--reference): torch113 runs <see cref="Python"/>, torch26 the Debian 13 root's.</summary>
    public string Reference { get; init; } = ReferenceInstall.Torch113;

    /// <summary>The interpreter the in-process sections start: <see cref="Python"/>, or the launcher of <see cref="Reference"/>.</summary>
    public string ReferencePython => Reference == ReferenceInstall.Torch113 ? Python : ReferenceInstall.Of(Reference, Python).Python;

    // ---- The fresh-process protocol (--only fresh; bench/README.md): every window in its own process.

    /// <summary>This process is one window of ours in the fresh-process protocol (started by the harness, not by hand).</summary>
    public bool ChildTrain { get; init; }
    /// <summary>ViT patch of the train cases; default: the profile's (16 at 64 px).</summary>
    public int? PatchOverride { get; init; }
    /// <summary>The workbook profile whose batch and ViT patch the fresh protocol times: quick with --quick, standard otherwise.</summary>
    public string? ProfileOverride { get; init; }
    public string Profile => ProfileOverride ?? (Quick ? SslAnomaly.Experiments.Profiles.Quick : SslAnomaly.Experiments.Profiles.Standard);
    /// <summary>Blocks of the plan, each with every configuration's rounds in a fresh random order.</summary>
    public int Repeats { get; init; } = 3;
    /// <summary>Seed of the plan's order and of the bootstrap.</summary>
    public int Seed { get; init; } = 1;
    public int Resamples { get; init; } = Bootstrap.DefaultResamples;
    /// <summary>References of the fresh protocol; default: torch113, and torch26 with torch26-compile where bench/reference-env.sh has built it.</summary>
    public IReadOnlyList<string>? ReferencesOverride { get; init; }
    public IReadOnlyList<string> FreshPolicies { get; init; } = ["default", "passive"];
    /// <summary>Thread counts of the fresh protocol's rows: the bench's threads, and 1, as the sweeps run.</summary>
    public IReadOnlyList<int>? ThreadRowsOverride { get; init; }
    public IReadOnlyList<int> ThreadRows => ThreadRowsOverride ?? [.. new[] { Threads, 1 }.Distinct()];
    /// <summary>OpenBLAS thread counts of the references (each clamped to the row's threads): the row's threads and 1.</summary>
    public IReadOnlyList<int>? BlasThreadsOverride { get; init; }
    public IReadOnlyList<int> BlasThreads => BlasThreadsOverride ?? [.. new[] { Threads, 1 }.Distinct()];
    /// <summary>ResNet-18's 3x3 convolutions on 2x2 maps as products (true) and as each framework's convolution (false).</summary>
    public IReadOnlyList<bool> SmallMapSettings { get; init; } = [true, false];
    /// <summary>The side configurations the fresh protocol times, cell by cell (--configs); null: every one the options span.</summary>
    public IReadOnlyList<ConfigSelector>? FreshConfigs { get; init; }
    /// <summary>Rounds per configuration and repeat in the fresh protocol (--rounds sets it too).</summary>
    public int FreshRounds => RoundsOverride ?? 15;

    /// <summary>The PyTorch script's variants timed in each round: the tuned headline first, then the secondary.</summary>
    public IReadOnlyList<string> PyTorchVariants => PyTorchNchw ? [PyTorchVariant.Tuned, PyTorchVariant.Nchw] : [PyTorchVariant.Tuned];

    public int Batch => BatchOverride ?? 64;
    /// <summary>The small batch at 224 px (full run only).</summary>
    public int Batch224 => 8;
    /// <summary>Interleaved rounds per case: each round times one window on each side, in alternating order; the ratio is their median.</summary>
    public int Rounds => RoundsOverride ?? 5;
    /// <summary>Training steps per timed window (one warm-up window of the same length comes first).</summary>
    public int StepsPerWindow => StepsOverride ?? (Quick ? 1 : 2);
    /// <summary>
    /// Steps per window of the fresh protocol (its warm-up window is as long): the second step of a new process still runs
    /// about a quarter below the steady state on both sides (supervised ResNet-18, batch 32: 59-61 img/s after one
    /// warm-up step, 75-83 after five or more), so one-step windows time a cold process, not training.
    /// </summary>
    public int FreshStepsPerWindow => StepsOverride ?? 5;
    public bool Include224 => !Quick;
    public bool Runs(string section) => Sections.Contains(section);

    public const string Usage = """
        usage: dotnet run -c Release --project bench -- [options]
          --quick             64 px only, windows of 1 step (about 5 minutes on 2 cores)
          --json FILE         also write the results as JSON
          --threads N         libtorch intra-op threads on both sides (default: cores)
          --python PATH       Python with torch (default /usr/bin/python3)
          --no-python         ours only
          --only S1,S2        sections: peak, train, extract, augment, decode, synth, probe, memory (default: all);
                              profile (per-phase step times on both sides) and split (needs --runs) only when named
          --methods M1,M2     simclr, byol, barlow, dino, mae, supervised (default: all)
          --backbones B1,B2   resnet18, vit-tiny (default: both)
          --batch N           images per batch at 64 px (default 64)
          --rounds N          interleaved rounds per case (default 5)
          --steps N           training steps per timed window (default 2, quick 1)
          --memory-steps N    steps of the memory-flatness run per method (default 1000)
          --omp-wait P        OpenMP wait policy of both sides: passive, active, default (libgomp's spin-then-sleep)
          --omp-wait-ours P   ours only (default: default, as ssl-anomaly run gets it)
          --omp-wait-pytorch P  the PyTorch side only (default: passive, its fastest)
          --pytorch-nchw      also time the plain NCHW PyTorch script (the former default) as a secondary comparison
          --runs DIR          split: a sweep folder or published study (every planned run costed) or a folder of runs
          --peak-gflops G     split: the one-thread fp32 GEMM peak to divide by (default: measured now)
          --reference R       PyTorch of the in-process sections: torch113 (--python, default) or torch26
                              (bench/reference-env.sh's Debian 13 root)

        The fresh-process protocol (--only fresh): every timed window in its own process, in random order
          --rounds N          rounds per configuration and repeat (default 15)
          --repeats N         blocks of rounds, each in a new random order (default 3)
          --steps N           steps per timed window, after a warm-up window as long (default 5)
          --seed N            seed of the order and the bootstrap (default 1)
          --profile P         quick or standard: the batch and ViT patch timed (default quick with --quick, else standard)
          --patch N           ViT patch instead of the profile's (in-process sections too: default 8 at 64 px there)
          --references R1,R2  torch113, torch26, torch26-compile (default: torch113, and both torch26 where built)
          --policies P1,P2    OpenMP wait policies timed on both sides (default default,passive)
          --thread-rows N1,N2 thread counts (default: --threads and 1)
          --blas-threads N1,N2  the references' OPENBLAS_NUM_THREADS (default: --threads and 1)
          --small-map S1,S2   on, off: ResNet-18's 2x2-map products on each side (default on,off)
          --configs C1,C2     time only these configurations: [CELLS:]KEY, KEY as the JSON's samples name it
                              (ours/default/products, torch113/passive/stock/blas1), CELLS a pattern over
                              backbone.method.threadsN with * (vit_tiny.*.threads1); the headline after a screen
          --resamples N       bootstrap resamples per interval (default 2000)
          (--child-train is the harness's own: one window of ours, started by --only fresh)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new BenchUsageException($"{arg} needs a value");
                return args[++i];
            }
            int Positive()
            {
                string v = Value();
                if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1)
                    throw new BenchUsageException($"{arg} needs a positive integer, not '{v}'");
                return n;
            }
            double PositiveNumber()
            {
                string v = Value();
                if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !(x > 0) || !double.IsFinite(x))
                    throw new BenchUsageException($"{arg} needs a positive number, not '{v}'");
                return x;
            }
            string OneOf(params string[] valid)
            {
                string v = Value();
                return valid.Contains(v) ? v : throw new BenchUsageException($"{arg} must be one of {string.Join(", ", valid)}, not '{v}'");
            }
            IReadOnlyList<string> List(IReadOnlyList<string> valid)
            {
                var items = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var unknown = items.Where(s => !valid.Contains(s)).ToList();
                if (unknown.Count > 0 || items.Length == 0)
                    throw new BenchUsageException($"{arg}: unknown '{string.Join(",", unknown)}' (valid: {string.Join(", ", valid)})");
                return items.Distinct().ToList();
            }
            IReadOnlyList<int> Integers()
            {
                string v = Value();
                var items = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var numbers = new List<int>();
                foreach (var item in items)
                    numbers.Add(int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1
                        ? n : throw new BenchUsageException($"{arg} needs positive integers separated by commas, not '{v}'"));
                return numbers.Count > 0 ? numbers.Distinct().ToList() : throw new BenchUsageException($"{arg} needs a value");
            }
            o = arg switch
            {
                "--quick" => o with { Quick = true },
                "--json" => o with { JsonPath = Value() },
                "--threads" => o with { Threads = Positive() },
                "--python" => o with { Python = Value() },
                "--no-python" => o with { NoPython = true },
                "--only" => o with { Sections = List([.. AllSections, .. ExtraSections]) },
                "--methods" => o with { Methods = List(AllMethods) },
                "--backbones" => o with { Backbones = List(AllBackbones) },
                "--batch" => o with { BatchOverride = Positive() },
                "--rounds" => o with { RoundsOverride = Positive() },
                "--steps" => o with { StepsOverride = Positive() },
                "--memory-steps" => o with { MemorySteps = Positive() },
                "--pytorch-nchw" => o with { PyTorchNchw = true },
                "--runs" => o with { RunsDirectory = Value() },
                "--peak-gflops" => o with { PeakGflopsOverride = PositiveNumber() },
                "--reference" => o with { Reference = OneOf(ReferenceInstall.Torch113, ReferenceInstall.Torch26) },
                "--child-train" => o with { ChildTrain = true },
                "--patch" => o with { PatchOverride = Positive() },
                "--profile" => o with { ProfileOverride = OneOf(SslAnomaly.Experiments.Profiles.Quick, SslAnomaly.Experiments.Profiles.Standard) },
                "--repeats" => o with { Repeats = Positive() },
                "--seed" => o with { Seed = Positive() },
                "--resamples" => o with { Resamples = Positive() },
                "--references" => o with { ReferencesOverride = List(ReferenceInstall.Names) },
                "--policies" => o with { FreshPolicies = List(OmpWaitPolicies) },
                "--thread-rows" => o with { ThreadRowsOverride = Integers() },
                "--blas-threads" => o with { BlasThreadsOverride = Integers() },
                "--small-map" => o with { SmallMapSettings = [.. List(["on", "off"]).Select(v => v == "on")] },
                "--configs" => o with { FreshConfigs = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ConfigSelector.Parse).Distinct()] },
                "--omp-wait" => OneOf(OmpWaitPolicies) switch { var both => o with { OmpWaitOurs = both, OmpWaitPyTorch = both } },
                "--omp-wait-ours" => o with { OmpWaitOurs = OneOf(OmpWaitPolicies) },
                "--omp-wait-pytorch" => o with { OmpWaitPyTorch = OneOf(OmpWaitPolicies) },
                "-h" or "--help" => o with { Help = true },
                _ => throw new BenchUsageException($"unknown option '{arg}'"),
            };
        }
        if (o.Runs("split") && o.RunsDirectory is null) throw new BenchUsageException("--only split needs --runs DIR (a sweep folder, a published study or a folder of runs)");
        return o;
    }
}
