using System.Globalization;

namespace SslAnomaly.Bench;

/// <summary>
/// A PyTorch the fresh-process protocol can run: a name, the interpreter, and whether the step goes through
/// torch.compile. Debian 12's torch 1.13 has no torch.compile; bench/reference-env.sh builds the Debian 13 root with
/// torch 2.6 that <see cref="Torch26"/> and <see cref="Torch26Compile"/> run.
/// </summary>
public sealed record ReferenceInstall(string Name, string Python, bool Compile)
{
    public const string Torch113 = "torch113", Torch26 = "torch26", Torch26Compile = "torch26-compile";
    public static readonly IReadOnlyList<string> Names = [Torch113, Torch26, Torch26Compile];

    /// <summary>Where bench/reference-env.sh puts PyTorch 2.6 (SSL_ANOMALY_TORCH26_DIR overrides, as it does there).</summary>
    public static string Torch26Directory =>
        Environment.GetEnvironmentVariable("SSL_ANOMALY_TORCH26_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ssl-anomaly", "pytorch-2.6");

    /// <summary>The launcher the environment script writes: the Debian 13 root's python3, entered through chroot.</summary>
    public static string Torch26Python => Path.Combine(Torch26Directory, "python");

    /// <summary>The install of a name; torch113 runs <paramref name="debianPython"/> (--python).</summary>
    public static ReferenceInstall Of(string name, string debianPython) => name switch
    {
        Torch113 => new(Torch113, debianPython, Compile: false),
        Torch26 => new(Torch26, Torch26Python, Compile: false),
        Torch26Compile => new(Torch26Compile, Torch26Python, Compile: true),
        _ => throw new BenchUsageException($"unknown reference '{name}' (valid: {string.Join(", ", Names)})"),
    };
}

/// <summary>One training-step case of the protocol: a method on a backbone at one thread count.</summary>
public sealed record FreshCell(string Backbone, string Method, int Resolution, int Batch, int Patch, int Threads)
{
    public bool IsResNet => Backbone == SslAnomaly.Backbones.BackboneConfig.ResNet18;
    public string BackboneKey => Backbone.Replace('-', '_');
    public string Key => $"{BackboneKey}.{Method}.threads{Threads}";
    public TrainCase Case => new(Backbone, Method, Resolution, Batch, IsResNet ? 0 : Patch);
}

/// <summary>The side of a timed window: our library, or one of the PyTorch references.</summary>
public static class Sides
{
    public const string Ours = "ours";
}

/// <summary>
/// How one side is configured for a window, everything that is not the case itself: the OpenMP wait policy, whether
/// ResNet-18's 3x3 convolutions on 2x2 maps run as products (ours' Conv3x3, and its port in torchref/smallmap.py), and,
/// for a reference, OpenBLAS's own thread count (its pthreads run beside the OpenMP threads). BlasThreads is 0 for ours.
/// </summary>
public sealed record SideConfig(string Side, string WaitPolicy, bool SmallMapProducts, int BlasThreads)
{
    public bool IsOurs => Side == Sides.Ours;

    /// <summary>"ours/default/products", "torch113/passive/stock/blas1": the JSON key of its samples.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture,
        $"{Side}/{WaitPolicy}/{(SmallMapProducts ? "products" : "stock")}{(IsOurs ? "" : $"/blas{BlasThreads}")}");
}

/// <summary>
/// One entry of --configs: a side configuration's key (as the JSON's samples name it) and the cells it applies to, a
/// pattern over the cell's key ("resnet18.simclr.threads2") where '*' stands for any text. A headline run after a
/// screen times only the configurations the screen left in contention, cell by cell.
/// </summary>
public sealed record ConfigSelector(string CellPattern, string ConfigKey)
{
    /// <summary>"KEY" (every cell) or "CELLS:KEY", e.g. "vit_tiny.*.threads2:torch113/passive/stock/blas1".</summary>
    public static ConfigSelector Parse(string text)
    {
        int colon = text.LastIndexOf(':');
        var (pattern, key) = colon < 0 ? ("*", text) : (text[..colon], text[(colon + 1)..]);
        int parts = key.Split('/').Length;
        bool ours = key.StartsWith(Sides.Ours + "/", StringComparison.Ordinal);
        if (pattern.Length == 0 || (ours ? parts != 3 : parts != 4))
            throw new BenchUsageException($"--configs: '{text}' is not [CELLS:]KEY with a key like ours/default/products or torch113/passive/stock/blas1");
        return new ConfigSelector(pattern, key);
    }

    public bool Matches(FreshCell cell, SideConfig config) =>
        config.Key == ConfigKey && System.Text.RegularExpressions.Regex.IsMatch(cell.Key,
            "^" + string.Join(".*", CellPattern.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$");

    public override string ToString() => $"{CellPattern}:{ConfigKey}";
}

/// <summary>One fresh process: a warm-up window, then one timed window of one side in one configuration.</summary>
public sealed record FreshJob(int Repeat, int Round, FreshCell Cell, SideConfig Config);

/// <summary>
/// The protocol's plan: every side configuration of every cell gets <c>rounds</c> fresh processes in each of
/// <c>repeats</c> blocks. Within a block the jobs run in a random order (one seeded shuffle per block), so neither a
/// trend in the machine's state nor the order of the cases favours a side; the blocks run one after the other, which
/// makes each repeat one span of time for the bootstrap to resample as a unit.
/// </summary>
public static class FreshPlan
{
    /// <summary>The side configurations timed for a cell: ours and every reference under each wait policy and algorithm.</summary>
    /// <param name="policies">OpenMP wait policies to time (with one thread only libgomp's default: there is no barrier to wait at).</param>
    /// <param name="smallMapSettings">Products on and off (ResNet-18 only: ViT-Tiny has no 3x3 convolution, so only off).</param>
    /// <param name="blasThreads">OpenBLAS thread counts of the references (clamped to the cell's threads).</param>
    public static IReadOnlyList<SideConfig> Configs(FreshCell cell, IReadOnlyList<string> references, IReadOnlyList<string> policies,
        IReadOnlyList<bool> smallMapSettings, IReadOnlyList<int> blasThreads)
    {
        var waits = cell.Threads == 1 ? ["default"] : policies;
        var algorithms = cell.IsResNet ? smallMapSettings : [false];
        var blas = blasThreads.Select(b => Math.Min(b, cell.Threads)).Distinct().ToList();
        var configs = new List<SideConfig>();
        foreach (var wait in waits)
            foreach (var products in algorithms)
            {
                configs.Add(new SideConfig(Sides.Ours, wait, products, 0));
                foreach (var reference in references)
                    foreach (var b in blas)
                        configs.Add(new SideConfig(reference, wait, products, b));
            }
        return configs;
    }

    /// <summary>
    /// Keeps the configurations some selector names (all of them where there are no selectors); a selector that names
    /// nothing in the plan is an error, so a mistyped key never shrinks the headline without a word.
    /// </summary>
    public static List<(FreshCell Cell, IReadOnlyList<SideConfig> Configs)> Select(
        IReadOnlyList<(FreshCell Cell, IReadOnlyList<SideConfig> Configs)> cells, IReadOnlyList<ConfigSelector>? selectors)
    {
        if (selectors is null) return [.. cells];
        var unused = selectors.Where(s => !cells.Any(c => c.Configs.Any(config => s.Matches(c.Cell, config)))).ToList();
        if (unused.Count > 0)
            throw new BenchUsageException($"--configs: '{string.Join("', '", unused)}' names no configuration of the plan (its keys: {string.Join(", ", cells.SelectMany(c => c.Configs).Select(c => c.Key).Distinct())})");
        return [.. cells
            .Select(c => (c.Cell, (IReadOnlyList<SideConfig>)[.. c.Configs.Where(config => selectors.Any(s => s.Matches(c.Cell, config)))]))
            .Where(c => c.Item2.Count > 0)];
    }

    public static IReadOnlyList<FreshJob> Build(IReadOnlyList<(FreshCell Cell, IReadOnlyList<SideConfig> Configs)> cells, int rounds, int repeats, int seed)
    {
        var random = new Random(seed);
        var jobs = new List<FreshJob>();
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            var block = new List<FreshJob>();
            foreach (var (cell, configs) in cells)
                foreach (var config in configs)
                    for (int round = 0; round < rounds; round++)
                        block.Add(new FreshJob(repeat, round, cell, config));
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(block));
            jobs.AddRange(block);
        }
        return jobs;
    }
}

/// <summary>The rows of the policy matrix: which wait policy (and OpenBLAS thread count) each side gets.</summary>
public enum PolicyRow
{
    /// <summary>Both sides on libgomp's default (spin briefly, then sleep); the references' OpenBLAS at the cell's threads.</summary>
    BothDefault,
    /// <summary>Both on OMP_WAIT_POLICY=PASSIVE; the references' OpenBLAS at the cell's threads.</summary>
    BothPassive,
    /// <summary>Each side on whichever of its measured configurations had the higher median rate.</summary>
    EachFastest,
}

public static class PolicyMatrix
{
    public static readonly IReadOnlyList<PolicyRow> Rows = [PolicyRow.BothDefault, PolicyRow.BothPassive, PolicyRow.EachFastest];

    public static string Name(PolicyRow row) => row switch
    {
        PolicyRow.BothDefault => "both_default",
        PolicyRow.BothPassive => "both_passive",
        _ => "each_fastest",
    };

    /// <summary>
    /// The configuration a row gives one side, among <paramref name="candidates"/> (one side, one algorithm): the fixed
    /// policy with OpenBLAS at the cell's threads, or the one with the highest median rate; null where none was measured.
    /// </summary>
    public static SideConfig? Pick(PolicyRow row, IEnumerable<SideConfig> candidates, int threads, Func<SideConfig, double> medianRate)
    {
        var list = candidates.Where(c => double.IsFinite(medianRate(c))).ToList();
        bool DefaultBlas(SideConfig c) => c.IsOurs || c.BlasThreads == threads;
        return row switch
        {
            PolicyRow.BothDefault => list.FirstOrDefault(c => c.WaitPolicy == "default" && DefaultBlas(c)),
            PolicyRow.BothPassive => list.FirstOrDefault(c => c.WaitPolicy == "passive" && DefaultBlas(c)),
            _ => list.OrderByDescending(medianRate).FirstOrDefault(),
        };
    }
}
