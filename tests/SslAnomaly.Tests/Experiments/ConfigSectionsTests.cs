using System.Text.Json.Nodes;
using SslAnomaly.Methods;
using SslAnomaly.Optim;

namespace SslAnomaly.Tests.Experiments;

/// <summary>config.json's "method" and "optimizer" sections: key paths, refusals, defaults and the older flat shape.</summary>
public class ConfigSectionsTests
{
    static ExperimentConfig Build(string profile, string method, params string[] sets) =>
        ExperimentConfigBuilder.Build(profile, null, new ExperimentChoices { Method = method, Backbone = MethodRegistry.Get(method).AcceptedBackbones[0] }, sets);

    static string Flat(string name) => File.ReadAllText(Path.Combine(Fixtures.Root, "configs", name));

    [Fact]
    public void Overrides_address_the_sections_by_key_path()
    {
        var c = Build("smoke", "simclr", "method.temperature=0.5", "optimizer.learning_rate=0.6", "optimizer.lars_clip_lr=true", "optimizer.kind=sgd");
        Assert.Equal(0.5, ((SimClrConfig)c.Method).Temperature);
        Assert.Equal(("sgd", 0.6, true), (c.Optimizer.Kind, c.Optimizer.LearningRate, c.Optimizer.LarsClipLr));
        Assert.Equal(1e-5, c.Optimizer.WeightDecay); // the rest stays the method's
    }

    [Fact]
    public void A_key_the_method_lacks_is_refused_naming_the_key_the_method_and_its_keys()
    {
        var e = Assert.Throws<UserInputException>(() => Build("smoke", "byol", "method.dino_prototypes=32"));
        Assert.Equal("config key 'method.dino_prototypes' (--set) does not exist for method byol; valid keys here: method.name, " +
            "method.projector_hidden_dim, method.projector_output_dim, method.projector_layers, method.predictor_hidden_dim, " +
            "method.ema_base, method.ema_final, method.predictor_lr_scale.", e.Message);

        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.yaml"), "method:\n  name: byol\n  temperature: 0.3\n");
        var inFile = Assert.Throws<UserInputException>(() => ExperimentConfigBuilder.Build("smoke", dir.File("c.yaml")));
        Assert.Contains("'method.temperature'", inFile.Message);
        Assert.Contains("c.yaml", inFile.Message);
        Assert.Contains("for method byol", inFile.Message);

        Assert.Contains("config key 'optimizer.lr' (--set) does not exist; valid keys here: optimizer.kind, optimizer.learning_rate",
            Assert.Throws<UserInputException>(() => Build("smoke", "simclr", "optimizer.lr=0.1")).Message);
        Assert.Contains("optimizer.kind must be lars, sgd, adamw, not 'adam'",
            Assert.Throws<UserInputException>(() => Build("smoke", "simclr", "optimizer.kind=adam")).Message);
        Assert.Contains("method.temperature must be positive",
            Assert.Throws<UserInputException>(() => Build("smoke", "simclr", "method.temperature=0")).Message);
        Assert.Contains("unknown method 'swav'", Assert.Throws<UserInputException>(() => Build("smoke", "simclr", "method.name=swav")).Message);
    }

    [Fact]
    public void Every_method_round_trips_with_its_own_record_and_no_sentinels()
    {
        foreach (var spec in MethodRegistry.All)
        {
            var c = Build("paper", spec.Name);
            // The paper profile changes no method setting: both sections are the registry's, every value written out.
            Assert.Equal(spec.Defaults, c.Method);
            Assert.Equal(MethodRecipe.Published(spec).Optimizer, c.Optimizer);
            var json = c.ToJsonObject();
            Assert.Equal(spec.Name, json["method"]!["name"]!.GetValue<string>());
            Assert.Equal(spec.Defaults.ToJson().Count + 1, json["method"]!.AsObject().Count);
            Assert.Equal(new OptimizerSettings().ToJson().Count, json["optimizer"]!.AsObject().Count);
            Assert.False(json.ContainsKey("method_params") || json.ContainsKey("learning_rate") || json.ContainsKey("weight_decay"));
            var again = ConfigOverrides.ToConfig(JsonNode.Parse(c.ToJson())!.AsObject());
            Assert.Equal(c.Method, again.Method);
            Assert.Equal(c.ToJson(), again.ToJson());
        }
    }

    [Fact]
    public void Cpu_profiles_shrink_each_methods_heads_and_drop_clip_lr_as_before()
    {
        Assert.Equal(new SimClrConfig { ProjectorHiddenDim = 512, ProjectorOutputDim = 128 }, Build("quick", "simclr").Method);
        Assert.Equal(new ByolConfig { ProjectorHiddenDim = 512, ProjectorOutputDim = 128, PredictorHiddenDim = 512 }, Build("quick", "byol").Method);
        Assert.Equal(new BarlowTwinsConfig { ProjectorHiddenDim = 512, ProjectorOutputDim = 128 }, Build("standard", "barlow").Method);
        Assert.Equal(new DinoConfig { DinoHiddenDim = 512, DinoBottleneckDim = 128, DinoPrototypes = 1024 }, Build("smoke", "dino").Method);
        Assert.Equal(new MaeConfig { MaeDecoderDim = 128, MaeDecoderDepth = 2, MaeDecoderHeads = 4 }, Build("quick", "mae").Method);
        foreach (var spec in MethodRegistry.All)
            Assert.Equal(MethodRecipe.Published(spec).Optimizer with { LarsClipLr = false }, Build("quick", spec.Name).Optimizer);
    }

    /// <summary>
    /// Today's quick BYOL config with the sizes quick had when the flat config was written (300-image validation subsets of
    /// a 4,000-frame validation split); keys that came later (the test split, the one-class study) take their defaults
    /// when an old config is read, as they do here. A quick run from then is that experiment, not today's quick.
    /// </summary>
    static ExperimentConfig QuickAsTheFlatConfigRanIt()
    {
        var today = ExperimentConfigBuilder.Build("quick", null, new ExperimentChoices { Method = "byol", Backbone = "resnet18", TrainDefectPct = 5 });
        return today with { ValSize = 300, Embedded = today.Embedded with { Val = 4000 } };
    }

    /// <summary>
    /// The flat fixture with the keys that came after the flat shape written in, at their defaults, as a build of that
    /// shape with them would have written it: a config lacking a key reads as another experiment by design, so only
    /// this way does the fixture test the migration of the flat shape alone.
    /// </summary>
    static string FlatWithLaterKeys()
    {
        var flat = JsonNode.Parse(Flat("flat-byol-quick.config.json"))!.AsObject();
        var defaults = new ExperimentConfig().ToJsonObject();
        flat["test_split"] = defaults["test_split"]!.DeepClone();
        flat["one_class"] = defaults["one_class"]!.DeepClone();
        flat["embedded"]!["test"] = defaults["embedded"]!["test"]!.DeepClone();
        return flat.ToJsonString();
    }

    [Fact]
    public void A_flat_config_json_upgrades_to_the_sections_and_resolves_to_the_same_experiment()
    {
        var flat = JsonNode.Parse(FlatWithLaterKeys())!.AsObject();
        var upgraded = ConfigMigration.Upgrade(flat);
        Assert.Equal("""{"name":"byol","projector_hidden_dim":512,"projector_output_dim":128,"predictor_hidden_dim":512}""", upgraded["method"]!.ToJsonString());
        Assert.Equal("""{"lars_clip_lr":false}""", upgraded["optimizer"]!.ToJsonString());
        Assert.False(upgraded.ContainsKey("method_params") || upgraded.ContainsKey("learning_rate") || upgraded.ContainsKey("weight_decay"));
        Assert.Equal(upgraded.ToJsonString(), ConfigMigration.Upgrade(upgraded).ToJsonString()); // a current config is left as it is

        var current = QuickAsTheFlatConfigRanIt();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ConfigMigration.Resolve(flat).ToJsonString()), JsonNode.Parse(current.ToJson())));

        // As a config file it loads too, and gives the same config.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("old.json"), FlatWithLaterKeys());
        Assert.Equal(current.ToJson(), ExperimentConfigBuilder.Build(null, dir.File("old.json")).ToJson());
    }

    [Fact]
    public void A_run_folder_with_a_flat_config_resumes_and_is_rewritten_but_another_experiment_is_still_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, RunDirectory.ConfigFile), FlatWithLaterKeys());
        var current = QuickAsTheFlatConfigRanIt();
        Assert.True(RunDirectory.HoldsExperiment(dir.Path, current));
        Assert.False(RunDirectory.HoldsExperiment(dir.Path, current with { Optimizer = current.Optimizer with { LarsClipLr = true } }));
        Assert.False(RunDirectory.HoldsExperiment(dir.Path, current with { Method = new ByolConfig() }));
        using (var run = RunDirectory.Open(dir.Path))
        {
            Assert.Throws<UserInputException>(() => run.WriteConfig(current with { Epochs = 3 }, force: false));
            run.WriteConfig(current, force: false);
        }
        Assert.Equal(current.ToJson(), File.ReadAllText(Path.Combine(dir.Path, RunDirectory.ConfigFile)));
    }

    [Theory]
    [InlineData("method_params.temperature=0.3", "simclr", "method", "temperature", "0.3")]
    [InlineData("method_params.lars_clip_lr=true", "simclr", "optimizer", "lars_clip_lr", "true")]
    [InlineData("method_params.optimizer=adamw", "byol", "optimizer", "kind", "\"adamw\"")]
    [InlineData("learning_rate=0.5", "byol", "optimizer", "learning_rate", "0.5")]
    [InlineData("learning_rate=0", "byol", "optimizer", "learning_rate", "1")]
    [InlineData("weight_decay=-1", "barlow", "optimizer", "weight_decay", "0.0001")]
    [InlineData("optimizer=default", "mae", "optimizer", "kind", "\"adamw\"")]
    [InlineData("optimizer=sgd", "simclr", "optimizer", "kind", "\"sgd\"")]
    [InlineData("method=dino", "simclr", "method", "name", "\"dino\"")]
    public void Flat_sets_of_sweep_json_still_apply(string set, string method, string section, string key, string expected)
    {
        var c = ExperimentConfigBuilder.Build("paper", null, new ExperimentChoices { Method = method, Backbone = "vit-tiny" }, [set]);
        Assert.Equal(expected, c.ToJsonObject()[section]![key]!.ToJsonString());
    }

    [Fact]
    public void A_flat_set_of_another_methods_setting_is_ignored_as_it_was()
    {
        // A sweep's shared --set method_params.dino_prototypes=... reached every method; the others ignored it.
        var byol = Build("smoke", "byol", "method_params.dino_prototypes=32");
        Assert.Equal(Build("smoke", "byol").ToJson(), byol.ToJson());
        Assert.Contains("config key 'method.dino_prototype'",
            Assert.Throws<UserInputException>(() => Build("smoke", "dino", "method_params.dino_prototype=32")).Message);
    }
}
