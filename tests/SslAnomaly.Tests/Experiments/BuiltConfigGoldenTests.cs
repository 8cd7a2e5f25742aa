using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SslAnomaly.Methods;

namespace SslAnomaly.Tests.Experiments;

/// <summary>
/// Every config the builder makes, byte for byte: each profile x method x backbone it trains on, the overrides users
/// write (--set, flat --set pairs of old sweep.json files, YAML and JSON config files, the notebooks' sets) and every
/// entry of every grid at every profile. A refactoring of the config path must leave all of them as they are, since a run
/// folder whose config.json changed is a different experiment (it would no longer resume, and result.json's
/// config_sha256 would move).
///
/// When a change is meant to alter configs (a new key, a new profile value), regenerate the fixture and review its diff:
/// <c>SSL_ANOMALY_WRITE_CONFIG_GOLDEN=1 dotnet test tests/SslAnomaly.Tests -c Release --filter FullyQualifiedName~BuiltConfigGoldenTests</c>
/// writes tests/fixtures/configs/built-configs.json in the checkout.
/// </summary>
public class BuiltConfigGoldenTests
{
    const string FixtureName = "built-configs.json";

    [Fact]
    public void Every_built_config_is_the_committed_one()
    {
        var built = BuildAll();
        bool write = Environment.GetEnvironmentVariable("SSL_ANOMALY_WRITE_CONFIG_GOLDEN") == "1";
        string fixture = write
            ? Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "configs", FixtureName)
            : Fixtures.PathOf(Path.Combine("configs", FixtureName));
        if (write) File.WriteAllText(fixture, Serialise(built));

        var golden = JsonNode.Parse(File.ReadAllText(fixture))!.AsObject();
        var expected = golden.ToDictionary(p => p.Key, p => p.Value!.AsObject());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), built.Keys.Order(StringComparer.Ordinal));
        var differences = new List<string>();
        foreach (var (name, config) in built)
        {
            var want = expected[name];
            if (want["sha256"]!.GetValue<string>() == Sha256(config)) continue;
            // The full config is kept for the cases that are not grid entries: name the first key that differs.
            differences.Add(want["config"] is JsonObject wanted
                ? $"{name}: {FirstDifference(wanted, JsonNode.Parse(config)!.AsObject(), "")}"
                : $"{name}: config.json differs (sha256)");
        }
        Assert.True(differences.Count == 0, $"{differences.Count} of {built.Count} configs changed:\n{string.Join("\n", differences.Take(20))}");
        Assert.True(built.Count > 500, $"only {built.Count} configs compared");
    }

    /// <summary>Case name to config.json text. Grid entries are kept as a hash only; the other cases in full as well.</summary>
    static SortedDictionary<string, string> BuildAll()
    {
        var configs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, ExperimentConfig config) => configs.Add(name, config.ToJson());

        foreach (var profile in Profiles.Names)
        {
            Add($"{profile}/default", ExperimentConfigBuilder.Build(profile));
            foreach (var spec in MethodRegistry.All)
                foreach (var backbone in spec.AcceptedBackbones)
                    Add($"{profile}/{spec.Name}/{backbone}", ExperimentConfigBuilder.Build(profile, null, new ExperimentChoices { Method = spec.Name, Backbone = backbone }));
            Add($"{profile}/random-init/pixels", ExperimentConfigBuilder.Build(profile, null, new ExperimentChoices { Method = "random-init", Backbone = "pixels" }));
        }

        // --set pairs, including those that choose the method or the backbone (the recipe depends on both).
        ExperimentConfig WithSets(string profile, string method, string? backbone, params string[] sets) =>
            ExperimentConfigBuilder.Build(profile, null, new ExperimentChoices { Method = method, Backbone = backbone }, sets);
        Add("set/quick/byol/sections", WithSets("quick", "byol", "resnet18", "method.ema_base=0.9", "optimizer.lars_clip_lr=true", "epochs=5", "augmentation.t_val=0.1"));
        Add("set/quick/supervised/backbone-by-set", WithSets("quick", "supervised", null, "backbone=vit-tiny"));
        Add("set/quick/supervised/backbone-by-set-over-choice", WithSets("quick", "supervised", "vit-tiny", "backbone=resnet18"));
        Add("set/standard/supervised/epochs", WithSets("standard", "supervised", "vit-tiny", "epochs=3", "method.class_balanced_batches=false"));
        Add("set/standard/byol/method-by-set", WithSets("standard", "simclr", "resnet18", "method.name=byol"));
        Add("set/quick/simclr/flat-method", WithSets("quick", "simclr", "resnet18", "method=dino"));
        Add("set/smoke/dino/flat-params", WithSets("smoke", "dino", "vit-tiny", "method_params.dino_prototypes=64", "method_params.lars_clip_lr=true", "learning_rate=0", "weight_decay=-1"));
        Add("set/paper/mae/flat-optimizer", WithSets("paper", "mae", "vit-tiny", "optimizer=default", "learning_rate=0.5", "method_params.mask_ratio=0.6"));
        Add("set/paper/barlow/kebab", WithSets("paper", "barlow", "resnet18", "method.barlow-lambda=0.01", "probe.bootstrap-samples=50", "val_defect_pcts=[5, 45]"));
        Add("set/smoke/simclr/notebook", WithSets("smoke", "simclr", "resnet18", [.. Profiles.NotebookSets("smoke")]));
        Add("set/quick/random-init/epochs", WithSets("quick", "random-init", "vit-tiny", "epochs=7"));
        Add("choices/paper/barlow/all", ExperimentConfigBuilder.Build("paper", null, new ExperimentChoices
        {
            Method = "barlow", Backbone = "vit-tiny", TrainDefectPct = 15, Seed = 3, DataRoot = "/tmp/../tmp", SkipBadImages = true,
        }));

        // Config files: YAML and JSON, naming the profile, the method and the backbone, below the choices and the sets.
        using (var dir = new TempDir())
        {
            ExperimentConfig FromFile(string file, string text, string? profile = null, ExperimentChoices? choices = null, params string[] sets)
            {
                File.WriteAllText(dir.File(file), text);
                return ExperimentConfigBuilder.Build(profile, dir.File(file), choices, sets);
            }
            Add("file/yaml/standard-byol-vit", FromFile("a.yaml",
                "profile: standard\nmethod:\n  name: byol\n  ema_base: 0.995\nbackbone: vit-tiny\nepochs: 12\naugmentation:\n  min_scale: 0.2\n"));
            Add("file/yaml/supervised-backbone-in-file", FromFile("b.yaml", "method: supervised\nbackbone: vit-tiny\n", "quick"));
            Add("file/yaml/method-overridden-by-choice", FromFile("c.yaml", "method: byol\ntrain_size: 500\n", "quick", new ExperimentChoices { Method = "dino" }));
            Add("file/json/dino-with-choices-and-sets", FromFile("d.json",
                """{"profile": "smoke", "train_size": 300, "method": {"name": "dino", "dino_prototypes": 256}}""",
                null, new ExperimentChoices { Seed = 9, Backbone = "vit-tiny" }, "method.dino_hidden_dim=64"));
            Add("file/json/flat-byol-quick", FromFile("e.json", File.ReadAllText(Fixtures.PathOf("configs/flat-byol-quick.config.json"))));
            Add("file/json/flat-byol-quick-as-supervised", FromFile("f.json", File.ReadAllText(Fixtures.PathOf("configs/flat-byol-quick.config.json")),
                "standard", new ExperimentChoices { Method = "supervised" }));
        }

        // Every entry of every grid at every profile, as sweeps build them.
        foreach (var grid in Grids.Names)
            foreach (var profile in Profiles.Names)
            {
                var plan = SweepPlan.Create(grid, profile, null, null, 0, null, null, null);
                foreach (var entry in plan.Entries)
                    Add($"sweep/{grid}/{profile}/{entry.RunName}", plan.Config(entry));
            }
        return configs;
    }

    static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>One line per case: its hash, and the config itself unless it is a grid entry (those are many and repeat the rest).</summary>
    static string Serialise(SortedDictionary<string, string> built)
    {
        var text = new StringBuilder("{\n");
        int i = 0;
        foreach (var (name, config) in built)
        {
            var entry = new JsonObject { ["sha256"] = Sha256(config) };
            if (!name.StartsWith("sweep/", StringComparison.Ordinal)) entry["config"] = JsonNode.Parse(config);
            text.Append($"  {JsonValue.Create(name).ToJsonString()}: {entry.ToJsonString()}{(++i < built.Count ? "," : "")}\n");
        }
        return text.Append("}\n").ToString();
    }

    static string FirstDifference(JsonObject expected, JsonObject actual, string prefix)
    {
        foreach (var key in expected.Select(p => p.Key).Union(actual.Select(p => p.Key)))
        {
            var (e, a) = (expected[key], actual[key]);
            if (e is JsonObject eo && a is JsonObject ao)
            {
                var inner = FirstDifference(eo, ao, $"{prefix}{key}.");
                if (inner.Length > 0) return inner;
            }
            else if (!expected.ContainsKey(key) || !actual.ContainsKey(key) || !JsonNode.DeepEquals(e, a))
                return $"{prefix}{key}: expected {e?.ToJsonString() ?? "(absent)"}, got {a?.ToJsonString() ?? "(absent)"}";
        }
        // Same values: the keys' order or a number's spelling changed.
        return expected.ToJsonString() == actual.ToJsonString() ? "" : $"{prefix}(key order or number formatting)";
    }
}
