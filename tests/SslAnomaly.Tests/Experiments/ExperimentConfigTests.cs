using System.Text.Json.Nodes;

namespace SslAnomaly.Tests.Experiments;

public class ExperimentConfigTests
{
    [Fact]
    public void Profile_then_file_then_sets_layer_in_order()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.yaml"), "epochs: 7\naugmentation:\n  min_scale: 0.5\nmethod: byol\nval_defect_pcts: [2, 45]\n");
        var c = ExperimentConfigBuilder.Build("smoke", dir.File("c.yaml"), null, ["epochs=3", "augmentation.t-val=0.1", "method.predictor-hidden-dim=256"]);
        Assert.Equal("smoke", c.Profile);
        Assert.Equal(32, c.Resolution);           // from the profile
        Assert.Equal(3, c.Epochs);                // --set beats the file
        Assert.Equal(0.5, c.Augmentation.MinScale); // file beats the default
        Assert.Equal(0.1, c.Augmentation.TVal);   // kebab-case key accepted
        Assert.Equal("byol", c.Method.Name);
        Assert.Equal(new double[] { 2, 45 }, c.ValDefectPcts);
        Assert.Equal(256, ((SslAnomaly.Methods.ByolConfig)c.Method).PredictorHiddenDim);
    }

    [Fact]
    public void The_profile_trains_the_supervised_ceiling_and_standard_byol_longer_and_the_command_line_still_wins()
    {
        var ssl = ExperimentConfigBuilder.Build("quick", null, new ExperimentChoices { Method = "simclr" });
        var supervised = ExperimentConfigBuilder.Build("quick", null, new ExperimentChoices { Method = "supervised" });
        Assert.Equal(2, ssl.Epochs);
        Assert.Equal(24, supervised.Epochs);
        Assert.Equal(64, supervised.Resolution);
        Assert.Equal(2.5, supervised.Embedded.DefectScale);
        Assert.Equal(3, ExperimentConfigBuilder.Build("quick", null, new ExperimentChoices { Method = "supervised" }, ["epochs=3"]).Epochs);
        Assert.Equal(8, ExperimentConfigBuilder.Build("standard", null, new ExperimentChoices { Method = "simclr" }).Epochs);
        Assert.Equal(32, ExperimentConfigBuilder.Build("standard", null, new ExperimentChoices { Method = "byol" }).Epochs);
        Assert.Equal(2, ExperimentConfigBuilder.Build("quick", null, new ExperimentChoices { Method = "byol" }).Epochs);
        Assert.Equal(16, ExperimentConfigBuilder.Build("standard", null, new ExperimentChoices { Method = "supervised" }).Epochs);
    }

    [Fact]
    public void Json_file_and_explicit_options_work_too()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.json"), """{"profile": "smoke", "train_size": 300}""");
        var c = ExperimentConfigBuilder.Build(null, dir.File("c.json"), new ExperimentChoices { Seed = 9, TrainDefectPct = 15.0 });
        Assert.Equal(300, c.TrainSize);
        Assert.Equal(9, c.Seed);
        Assert.Equal(15, c.TrainDefectPct);
        Assert.Equal("smoke", c.Profile);
    }

    [Fact]
    public void A_file_naming_another_method_than_the_command_line_gives_its_settings_to_the_chosen_one()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("c.yaml"), "method:\n  name: byol\n  ema_base: 0.9\n");
        var dino = ExperimentConfigBuilder.Build("quick", dir.File("c.yaml"), new ExperimentChoices { Method = "dino" });
        Assert.Equal(0.9, ((SslAnomaly.Methods.DinoConfig)dino.Method).EmaBase);
        Assert.Equal(0.9, ((SslAnomaly.Methods.DinoConfig)ExperimentConfigBuilder.Build("quick", dir.File("c.yaml"), null, ["method.name=dino"]).Method).EmaBase);
        Assert.Contains("'method.ema_base' (" + dir.File("c.yaml") + ") does not exist for method simclr",
            Assert.Throws<UserInputException>(() => ExperimentConfigBuilder.Build("quick", dir.File("c.yaml"), new ExperimentChoices { Method = "simclr" })).Message);
    }

    [Fact]
    public void Unknown_key_in_a_file_names_the_key_and_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.yaml"), "lerning_rate: 0.1\n");
        var e = Assert.Throws<UserInputException>(() => ExperimentConfigBuilder.Build("smoke", dir.File("bad.yaml")));
        Assert.Contains("'lerning_rate'", e.Message);
        Assert.Contains("bad.yaml", e.Message);
    }

    [Theory]
    [InlineData("epochz=3", "config key 'epochz'")]
    [InlineData("augmentation.min_scal=0.3", "config key 'augmentation.min_scal'")]
    [InlineData("noequals", "expected key=value")]
    [InlineData("epochs=many", "wrong type at epochs")]
    [InlineData("method=simclrr", "unknown method 'simclrr' (valid: simclr, byol, barlow, dino, mae, supervised, random-init)")]
    [InlineData("backbone=resnet50", "unknown backbone 'resnet50' (valid: resnet18, vit-tiny)")]
    [InlineData("train_defect_pct=0", "outside (0, 100)")]
    [InlineData("train_defect_pct=100", "outside (0, 100)")]
    [InlineData("method=mae", "needs --backbone vit-tiny")]
    [InlineData("profile=huge", "unknown profile 'huge'")]
    [InlineData("batch_size=1", "at least 2 images")]
    [InlineData("method.class_balanced_batches=true", "'method.class_balanced_batches' (--set) does not exist for method simclr")]
    public void Bad_sets_and_invalid_experiments_are_refused_with_a_message_naming_the_key(string set, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => ExperimentConfigBuilder.Build("smoke", null, null, [set]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Vit_resolution_must_fit_the_patch()
    {
        var e = Assert.Throws<UserInputException>(() => ExperimentConfigBuilder.Build("smoke", null, null, ["backbone=vit-tiny", "resolution=36"]));
        Assert.Contains("not divisible by the patch size 8", e.Message);
    }

    [Fact]
    public void Config_round_trips_through_json()
    {
        var c = ExperimentConfigBuilder.Build("quick", null, null, ["method.name=dino", "method.dino_teacher_temperature=0.05"]);
        var again = ConfigOverrides.ToConfig(JsonNode.Parse(c.ToJson())!.AsObject());
        Assert.Equal(c.ToJson(), again.ToJson());
    }
}
