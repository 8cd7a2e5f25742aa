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
    /// <summary>Sections run only when asked for by --only (split reads a finished sweep instead of measuring).</summary>
    public static readonly IReadOnlyList<string> ExtraSections = ["profile", "split"];
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
    /// <summary>The sweep's runs folder that the split section reads (--runs).</summary>
    public string? RunsDirectory { get; init; }

    /// <summary>The PyTorch script's variants timed in each round: the tuned headline first, then the secondary.</summary>
    public IReadOnlyList<string> PyTorchVariants => PyTorchNchw ? [PyTorchVariant.Tuned, PyTorchVariant.Nchw] : [PyTorchVariant.Tuned];

    public int Batch => BatchOverride ?? 64;
    /// <summary>The small batch at 224 px (full run only).</summary>
    public int Batch224 => 8;
    /// <summary>Interleaved rounds per case: each round times one window on each side, in alternating order; the ratio is their median.</summary>
    public int Rounds => RoundsOverride ?? 5;
    /// <summary>Training steps per timed window (one warm-up window of the same length comes first).</summary>
    public int StepsPerWindow => StepsOverride ?? (Quick ? 1 : 2);
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
          --runs DIR          split: a finished sweep's runs folder (each run's run.log gives its time split)
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
                "--omp-wait" => OneOf(OmpWaitPolicies) switch { var both => o with { OmpWaitOurs = both, OmpWaitPyTorch = both } },
                "--omp-wait-ours" => o with { OmpWaitOurs = OneOf(OmpWaitPolicies) },
                "--omp-wait-pytorch" => o with { OmpWaitPyTorch = OneOf(OmpWaitPolicies) },
                "-h" or "--help" => o with { Help = true },
                _ => throw new BenchUsageException($"unknown option '{arg}'"),
            };
        }
        if (o.Runs("split") && o.RunsDirectory is null) throw new BenchUsageException("--only split needs --runs DIR (a sweep's runs folder)");
        return o;
    }
}
