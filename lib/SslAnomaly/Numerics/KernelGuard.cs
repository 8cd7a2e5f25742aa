using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SslAnomaly.Native;
using SslAnomaly.Util;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>What the check found for one op: every path it tried, in order, and the one the model runs (null: none passed).</summary>
public sealed record OpVerdict(string Op, IReadOnlyList<PathCheck> Tried, KernelPath? Chosen, double Seconds)
{
    public bool Failed => Tried.Any(t => !t.Passed);
}

/// <summary>No path of an op passed the kernel check: the run must not go on with it.</summary>
public sealed class KernelCheckException(string message) : UserInputException(message);

/// <summary>
/// Which path each op runs on, decided by <see cref="KernelCheck"/> the first time an op shape is seen and kept for the
/// process, and on disk per CPU, libtorch build, thread count and injected fault (so a later run on the same machine pays
/// nothing). No op runs on a path that failed; an op with no passing path stops the run with
/// <see cref="KernelCheckException"/>.
/// </summary>
public static class KernelGuard
{
    /// <summary>Overrides the folder of cached verdicts.</summary>
    public const string CacheEnvironmentVariable = "SSL_ANOMALY_KERNEL_CHECK_CACHE";

    static readonly object gate = new();
    // By thread count and injected fault, the parts of the fingerprint that change within a process: looked up on every op call.
    static readonly Dictionary<(int Threads, string? Fault), Plan> plans = new();
    static readonly Lazy<string> machine = new(MachineFingerprint);

    /// <summary>The verdicts that hold under one fingerprint, and the file they are cached in.</summary>
    sealed class Plan(string fingerprint, string file, bool persistent)
    {
        public string Fingerprint { get; } = fingerprint;
        public string File { get; } = file;
        /// <summary>False under an injected fault: its verdicts are a demonstration, checked afresh by each process.</summary>
        public bool Persistent { get; } = persistent;
        public Dictionary<string, OpVerdict> Verdicts { get; } = new();
    }

    static readonly AsyncLocal<KernelRecording?> recording = new();

    public static KernelPath PathFor(KernelOp op)
    {
        var plan = CurrentPlan();
        string key = op.Descriptor;
        OpVerdict? verdict;
        bool checkedNow = false;
        lock (gate)
        {
            if (!plan.Verdicts.TryGetValue(key, out verdict))
            {
                verdict = Check(op);
                checkedNow = true;
                plan.Verdicts[key] = verdict;
                Save(plan);
            }
        }
        for (var r = recording.Value; r is not null; r = r.Parent) r.Add(op, verdict, checkedNow, plan.File);
        return verdict.Chosen ?? throw Unusable(verdict);
    }

    /// <summary>
    /// Records the ops run from here on in this flow of control (a run, a test) until disposed, and tells
    /// <paramref name="log"/> of every op whose first path failed as it is first used (a run points it at its run.log).
    /// </summary>
    public static KernelRecording Record(Action<string>? log = null)
    {
        var started = new KernelRecording(recording.Value, log, previous => recording.Value = previous);
        recording.Value = started;
        return started;
    }

    public static string CacheDirectory() =>
        Environment.GetEnvironmentVariable(CacheEnvironmentVariable) is { Length: > 0 } overridden ? overridden : Path.Combine(TorchRuntime.CacheRoot(), "kernel-check");

    static OpVerdict Check(KernelOp op)
    {
        var clock = Stopwatch.StartNew();
        var tried = new List<PathCheck>();
        foreach (var path in op.Paths)
        {
            var check = KernelCheck.Run(op, path);
            tried.Add(check);
            if (check.Passed) return new OpVerdict(op.Descriptor, tried, path, clock.Elapsed.TotalSeconds);
        }
        return new OpVerdict(op.Descriptor, tried, null, clock.Elapsed.TotalSeconds);
    }

    public static string Describe(OpVerdict verdict) =>
        $"kernel check: {verdict.Op}: {string.Join("; ", verdict.Tried.Select(t => t.Describe()))}" +
        (verdict.Chosen is { } chosen ? $"; runs on {KernelFaults.PathName(chosen)}" : "; no path passed");

    static KernelCheckException Unusable(OpVerdict verdict)
    {
        var cpu = CpuInfo.Read();
        var build = LibTorchBuild.Read();
        string capped = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is { Length: > 0 } isa ? $" with ONEDNN_MAX_CPU_ISA={isa}" : "";
        return new KernelCheckException(
            $"libtorch computes {verdict.Op} wrongly on this CPU ({cpu.Describe()}, libtorch {__version__}, oneDNN {build.OneDnnVersion}, {build.CpuCapability}{capped}) " +
            $"and no remedy passed the same check: {string.Join("; ", verdict.Tried.Select(t => t.Describe()))}. Nothing was trained or extracted on it. " +
            (capped.Length == 0 ? "Try again with oneDNN capped before libtorch starts (ONEDNN_MAX_CPU_ISA=AVX2 in the environment), or run on another CPU." : "Run on another CPU."));
    }

    static Plan CurrentPlan()
    {
        // Threads and the injected fault can change within a process (per run, per test): each gets its own plan.
        var key = (Threads: get_num_threads(), Fault: KernelFaults.Current?.Spec);
        lock (gate)
        {
            if (plans.TryGetValue(key, out var plan)) return plan;
            string fingerprint = $"{machine.Value}|threads={key.Threads}|fault={key.Fault ?? "none"}";
            string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)))[..16].ToLowerInvariant();
            plan = new Plan(fingerprint, Path.Combine(CacheDirectory(), $"{hash}.json"), persistent: key.Fault is null);
            foreach (var verdict in Load(plan)) plan.Verdicts[verdict.Op] = verdict;
            plans[key] = plan;
            return plan;
        }
    }

    /// <summary>Everything a kernel's choice and its numbers can depend on, short of the op itself.</summary>
    static string MachineFingerprint()
    {
        TorchRuntime.EnsureLoaded();
        var cpu = CpuInfo.Read();
        var build = LibTorchBuild.Read();
        return $"cpu={cpu.ModelName};family={cpu.Family};model={cpu.Model};stepping={cpu.Stepping};flags={cpu.FlagsHash}|libtorch={__version__};onednn={build.OneDnnVersion};" +
               $"capability={build.CpuCapability};mkl={build.MklVersion}|isa={Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? ""}|check=v1;tol={KernelCheck.Tolerance};tol-bf16={KernelCheck.BFloat16Tolerance}";
    }

    sealed record CacheFile(string Fingerprint, IReadOnlyList<OpVerdict> Verdicts);

    static readonly JsonSerializerOptions json = new(SettingsJson.Options) { WriteIndented = true };

    static IEnumerable<OpVerdict> Load(Plan plan)
    {
        try
        {
            if (!plan.Persistent || !File.Exists(plan.File)) return [];
            var cached = JsonSerializer.Deserialize<CacheFile>(File.ReadAllText(plan.File), json);
            // A hash collision or an edited file: trust only what was written under this very fingerprint.
            return cached?.Fingerprint == plan.Fingerprint ? cached.Verdicts : [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return []; // an unreadable cache costs a re-check, nothing more
        }
    }

    static void Save(Plan plan)
    {
        if (!plan.Persistent) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(plan.File)!);
            // Another process may have added verdicts for other ops since this one loaded: keep theirs too.
            var merged = Load(plan).Where(v => !plan.Verdicts.ContainsKey(v.Op)).Concat(plan.Verdicts.Values).OrderBy(v => v.Op, StringComparer.Ordinal).ToList();
            AtomicFile.WriteAllText(plan.File, JsonSerializer.Serialize(new CacheFile(plan.Fingerprint, merged), json));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache: the verdicts still hold for this process.
        }
    }
}
