using SslAnomaly.Native;

namespace SslAnomaly.Tests.Native;

public class TorchRuntimeTests
{
    static string ShippedLibTorchSharp() =>
        TorchRuntime.CandidateDirectories().Select(d => Path.Combine(d, TorchRuntime.LibTorchSharpFile)).First(File.Exists);

    [Fact]
    public void Shipped_library_needs_GLIBCXX_3_4_32_for_the_link_anchor_only()
    {
        var elf = ElfVersionNeeds.Read(ShippedLibTorchSharp());
        var need = Assert.Single(elf.Needs, n => n.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", need.Library);
        Assert.False(need.IsWeak);
        Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, elf.SymbolsUsing(need));
        // Everything else it needs is old enough for Debian 12 (GLIBCXX <= 3.4.30).
        Assert.All(elf.Needs.Where(n => n.Version.StartsWith("GLIBCXX_") && n.Version != "GLIBCXX_3.4.32"),
            n => Assert.True(new Version(n.Version["GLIBCXX_".Length..]) <= new Version(3, 4, 30), n.Version));
    }

    [Fact]
    public void Weakening_flips_one_flag_bit_and_nothing_else()
    {
        var path = ShippedLibTorchSharp();
        var original = File.ReadAllBytes(path);
        var elf = ElfVersionNeeds.Parse(original, path);
        var patched = elf.WithWeakVersions(["GLIBCXX_3.4.32"]);

        Assert.Equal(original.Length, patched.Length);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        var index = Assert.Single(differing);
        Assert.Equal(ElfVersionNeed.WeakFlag, (byte)(patched[index] ^ original[index]));

        var reread = ElfVersionNeeds.Parse(patched, "patched");
        Assert.True(reread.Needs.Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak);
        Assert.All(reread.Needs.Where(n => n.Version != "GLIBCXX_3.4.32"), n => Assert.Equal(elf.Needs.Single(o => o.Library == n.Library && o.Version == n.Version).Flags, n.Flags));
    }

    [Fact]
    public void Non_elf_input_is_rejected_with_the_file_name()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Parse("not an elf file at all, just text padding to 64 bytes......"u8.ToArray(), "bogus.so"));
        Assert.Contains("bogus.so", e.Message);
    }

    [Fact]
    public void Loaded_in_this_process_and_usable()
    {
        var report = TorchRuntime.EnsureLoaded();
        Assert.True(File.Exists(report.LibTorchSharpPath));
        if (report.Patched)
        {
            Assert.True(File.Exists(report.PatchedCopy));
            Assert.Equal(new[] { "GLIBCXX_3.4.32" }, report.WeakenedVersions);
        }
        var (ok, message) = EnvironmentReport.ForwardBackwardCheck();
        Assert.True(ok, message);
        // TorchSharp never fell back to consolidating natives into a 'cpu' folder next to itself.
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")));
    }

    [Fact]
    public async Task Two_fresh_processes_racing_on_an_empty_cache_both_load()
    {
        using var cache = new TempDir();
        var env = new Dictionary<string, string> { [TorchRuntime.CacheEnvironmentVariable] = cache.Path };
        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(() => CliProcess.Run(["doctor"], env, 120))).ToArray();
        foreach (var r in await Task.WhenAll(runs))
        {
            Assert.True(r.ExitCode == 0, r.All);
            Assert.Contains("libtorch: OK", r.Stdout);
        }
        // No temp files left behind; at most one patched copy per original.
        Assert.Empty(Directory.GetFiles(cache.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.True(Directory.GetFiles(cache.Path, TorchRuntime.LibTorchSharpFile, SearchOption.AllDirectories).Length <= 1);

        // A third start reuses the cached copy.
        var again = CliProcess.Run(["doctor"], env, 120);
        Assert.Equal(0, again.ExitCode);
        if (again.Stdout.Contains("patched copy")) Assert.Contains("reused from cache", again.Stdout);
    }
}
