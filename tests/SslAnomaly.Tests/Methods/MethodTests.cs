using System.Text.Json.Nodes;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Optim;
using SslAnomaly.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Methods;

public class MethodTests
{
    /// <summary>The method's optimiser as published (its recipe's on the paper profile).</summary>
    static OptimizerSettings Published(string method) => MethodRecipe.Published(MethodRegistry.Get(method)).Optimizer;

    static SslMethod Tiny(string name, MethodConfig? config = null, OptimizerSettings? optimizer = null) =>
        MethodFactory.Create(name, new TinyBackbone(8), config ?? MethodOverfitTests.SmallHeads(name), optimizer ?? MethodOverfitTests.SmallSteps(name, 0.1), trainDefectShare: 0.2,
            createBackbone: () => new TinyBackbone(8));

    /// <summary>One trainer-like step: loss, backward, hooks and the optimiser.</summary>
    static void Step(SslMethod method, Optimizer optimizer, TrainingProgress progress, Generator generator)
    {
        using var scope = NewDisposeScope();
        var views = Enumerable.Range(0, method.ViewCount).Select(_ => randn(4, 3, 8, 8, generator: generator)).ToList();
        var output = method.TrainingStep(new StepInput(views, tensor(new float[] { 0, 1, 0, 1 }), progress, generator));
        optimizer.ZeroGrad();
        output.Loss.backward();
        method.OnAfterBackward(progress);
        optimizer.Step();
        method.OnAfterOptimizerStep(progress);
    }

    [Theory]
    [InlineData("byol", "backbone", "teacher_backbone")]
    [InlineData("byol", "projector", "teacher_projector")]
    [InlineData("dino", "head", "teacher_head")]
    public void Teacher_moves_exactly_as_the_ema_formula_says(string name, string student, string teacher)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var method = (MomentumMethod)Tiny(name);
        using var optimizer = OptimizerSetup.Create(method, 4);
        using var generator = new Generator(5);
        method.train();
        const int total = 10;
        Dictionary<string, Tensor> Params(string prefix) => method.named_parameters()
            .Where(p => p.name.StartsWith(prefix + ".")).ToDictionary(p => p.name[(prefix.Length + 1)..], p => p.parameter.detach().to(ScalarType.Float64));

        foreach (long k in new long[] { 0, 1, 5 })
        {
            var before = Params(teacher);
            Step(method, optimizer, new TrainingProgress((int)k, k, 1, total), generator);
            double tau = 1 - (1 - ((IEmaTeacherConfig)method.Config).EmaBase) * (Math.Cos(Math.PI * k / total) + 1) / 2;
            Assert.Equal(tau, method.CurrentTau, 15);
            var studentAfter = Params(student);
            var teacherAfter = Params(teacher);
            Assert.Equal(studentAfter.Keys.Order(), teacherAfter.Keys.Order());
            bool moved = false;
            foreach (var (key, t) in teacherAfter)
            {
                var expected = before[key].mul(tau).add(studentAfter[key].mul(1 - tau));
                Assert.True(t.sub(expected).abs().max().item<double>() < 1e-6, $"{teacher}.{key} after step {k}");
                moved |= !t.SameAs(before[key]);
            }
            Assert.True(moved, "the teacher should move towards the student");
        }
        Assert.All(method.named_parameters().Where(p => p.name.StartsWith("teacher_")), p =>
        {
            Assert.False(p.parameter.requires_grad);
            Assert.Null(p.parameter.grad);
        });
        var optimised = method.ParameterGroups().SelectMany(g => g.Parameters).Select(p => p.Name).ToList();
        Assert.DoesNotContain(optimised, n => n.StartsWith("teacher_"));
    }

    [Fact]
    public void Byol_predictor_lr_scale_gives_the_predictor_groups_of_its_own()
    {
        using var scope = NewDisposeScope();
        using var plain = Tiny("byol");
        Assert.All(plain.ParameterGroups(), g => Assert.Equal(1, g.LearningRateScale));
        using var method = Tiny("byol", (ByolConfig)MethodOverfitTests.SmallHeads("byol") with { PredictorLrScale = 10 });
        var groups = method.ParameterGroups();
        Assert.Equal(["decay", "no_decay", "decay/predictor", "no_decay/predictor"], groups.Select(g => g.Name));
        var predictor = groups.Where(g => g.LearningRateScale == 10).SelectMany(g => g.Parameters).Select(p => p.Name).Order().ToList();
        Assert.Equal(method.named_parameters().Select(p => p.name).Where(n => n.StartsWith("predictor.")).Order(), predictor);
        // Every trainable parameter is in exactly one group, and the predictor keeps its decay and adaptation split.
        Assert.Equal(plain.ParameterGroups().SelectMany(g => g.Parameters).Count(), groups.SelectMany(g => g.Parameters).Count());
        Assert.True(groups.Single(g => g.Name == "decay/predictor").Adapt);
        Assert.False(groups.Single(g => g.Name == "no_decay/predictor").Adapt);
    }

    [Fact]
    public void Teachers_start_as_exact_copies_of_their_students()
    {
        using var scope = NewDisposeScope();
        using var method = Tiny("dino");
        var state = method.state_dict();
        foreach (var (key, value) in state.Where(kv => kv.Key.StartsWith("teacher_backbone.")))
            Assert.True(value.SameAs(state["backbone." + key["teacher_backbone.".Length..]]), key);
        foreach (var (key, value) in state.Where(kv => kv.Key.StartsWith("teacher_head.")))
            Assert.True(value.SameAs(state["head." + key["teacher_head.".Length..]]), key);
    }

    [Fact]
    public void Parameter_groups_put_biases_and_norms_apart_and_skip_frozen_parameters()
    {
        using var scope = NewDisposeScope();
        using var method = Tiny("dino");
        var groups = method.ParameterGroups();
        var decay = groups.Single(g => g.Name == "decay");
        var noDecay = groups.Single(g => g.Name == "no_decay");
        Assert.True(decay.Adapt);
        Assert.Equal(method.Optimizer.WeightDecay, decay.WeightDecay);
        Assert.False(noDecay.Adapt);
        Assert.Equal(0, noDecay.WeightDecay);
        Assert.All(decay.Parameters, p => Assert.True(p.Parameter.dim() > 1));
        Assert.Contains(noDecay.Parameters, p => p.Name == "backbone.bn1.weight");
        Assert.Contains(noDecay.Parameters, p => p.Name == "head.mlp.0.bias");
        Assert.Contains(decay.Parameters, p => p.Name == "head.last_layer.weight_v");
        // DINO's fixed weight-norm magnitude is not optimised.
        Assert.DoesNotContain(groups.SelectMany(g => g.Parameters), p => p.Name.EndsWith("weight_g"));

        using var supervised = Tiny("supervised", new SupervisedConfig(), SupervisedRecipe.Published.Optimizer);
        Assert.Equal(["all"], supervised.ParameterGroups().Select(g => g.Name)); // Sewer-ML recipe: decay on every parameter
    }

    [Fact]
    public void Dino_keeps_the_prototypes_fixed_during_the_first_epoch_and_unit_norm_always()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var method = (Dino)Tiny("dino");
        using var optimizer = OptimizerSetup.Create(method, 4);
        using var generator = new Generator(1);
        method.train();
        var prototypes = method.named_parameters().Single(p => p.name == "head.last_layer.weight_v").parameter;
        var mlp = method.named_parameters().Single(p => p.name == "head.mlp.0.weight").parameter;
        var v0 = prototypes.detach().clone();
        var m0 = mlp.detach().clone();
        Step(method, optimizer, new TrainingProgress(0, 0, 2, 4), generator);
        Step(method, optimizer, new TrainingProgress(0, 1, 2, 4), generator);
        Assert.True(prototypes.SameAs(v0), "prototypes must not move in epoch 0");
        Assert.False(mlp.SameAs(m0), "the rest of the head trains in epoch 0");
        Step(method, optimizer, new TrainingProgress(1, 2, 2, 4), generator);
        Assert.False(prototypes.SameAs(v0), "prototypes train from epoch 1");

        using var layer = new WeightNormLinear(8, 5, fixMagnitude: true);
        var rows = layer.call(eye(8)).t(); // rows of the effective weight
        Assert.True(rows.norm(1).sub(1).abs().max().item<float>() < 1e-6);
        Assert.False(layer.Magnitude.requires_grad);
    }

    [Fact]
    public void Dino_teacher_temperature_warms_up_linearly_per_epoch()
    {
        using var scope = NewDisposeScope();
        using var method = (Dino)Tiny("dino", new DinoConfig { DinoHiddenDim = 16, DinoBottleneckDim = 8, DinoPrototypes = 16 });
        // 30 warm-up epochs of a 100-epoch run: numpy.linspace(0.04, 0.07, 30), then 0.07.
        Assert.Equal(0.04, method.TeacherTemperature(0, 100), 12);
        Assert.Equal(0.04 + 0.03 * 10 / 29, method.TeacherTemperature(10, 100), 12);
        Assert.Equal(0.07, method.TeacherTemperature(29, 100), 12);
        Assert.Equal(0.07, method.TeacherTemperature(50, 100), 12);
        // A 10-epoch run warms up over 30 % of it: 3 epochs.
        Assert.Equal(0.055, method.TeacherTemperature(1, 10), 12);
        Assert.Equal(0.07, method.TeacherTemperature(3, 10), 12);
    }

    [Fact]
    public void Mae_masks_three_quarters_of_each_image_and_keeps_the_rest_in_order()
    {
        using var scope = NewDisposeScope();
        var tokens = arange(2 * 16 * 3, dtype: ScalarType.Float32).reshape(2, 16, 3);
        using var g1 = new Generator(8);
        var (visible, mask, restore) = Mae.RandomMasking(tokens, 0.75, g1);
        Assert.Equal(new long[] { 2, 4, 3 }, visible.shape);
        Assert.Equal(new float[] { 12, 12 }, mask.sum(1).data<float>().ToArray());
        for (int b = 0; b < 2; b++)
        {
            var keptPositions = mask[b].eq(0).nonzero().squeeze(1);
            // The visible tokens are exactly the unmasked ones (as a set), and restore puts every token back in place.
            Assert.True(visible[b].index_select(1, tensor(new long[] { 0 })).squeeze(1).sort().Values
                .SameAs(tokens[b].index_select(0, keptPositions).select(1, 0).sort().Values));
            var shuffled = cat([visible[b], zeros(12, 3)], 0);
            var back = shuffled.index_select(0, restore[b]);
            Assert.True(back.index_select(0, keptPositions).SameAs(tokens[b].index_select(0, keptPositions)));
        }
        using var g2 = new Generator(8);
        Assert.True(Mae.RandomMasking(tokens, 0.75, g2).Mask.SameAs(mask), "the same generator state gives the same mask");
    }

    [Fact]
    public void Mae_on_resnet_is_refused_with_the_reason()
    {
        using var scope = NewDisposeScope();
        using var resnet = BackboneFactory.Create(new BackboneConfig(BackboneConfig.ResNet18, 32));
        var e = Assert.Throws<UserInputException>(() => MethodFactory.Create("mae", resnet, null, Published("mae")));
        Assert.Contains("mae needs a Vision Transformer backbone (vit-tiny), not 'resnet18'", e.Message);
        Assert.Contains("leaves MAE x ResNet-18 blank", e.Message);
    }

    [Fact]
    public void Supervised_weights_positives_by_the_defect_share()
    {
        using var scope = NewDisposeScope();
        using var method = (Supervised)MethodFactory.Create("supervised", new TinyBackbone(8), null, Published("supervised"), trainDefectShare: 0.05);
        Assert.Equal(19.0, method.PosWeight, 12);
        Assert.Equal(1, method.ViewCount);
        var e = Assert.Throws<UserInputException>(() => MethodFactory.Create("supervised", new TinyBackbone(8), null, Published("supervised")));
        Assert.Contains("defect share", e.Message);
        Assert.Throws<UserInputException>(() => MethodFactory.Create("supervised", new TinyBackbone(8), null, Published("supervised"), trainDefectShare: 0));
        using var explicitWeight = (Supervised)MethodFactory.Create("supervised", new TinyBackbone(8), new SupervisedConfig { PosWeight = 2.5 }, Published("supervised"));
        Assert.Equal(2.5, explicitWeight.PosWeight);
        // Class-balanced batches hold defects at one half, whatever the subset's share: the BCE is unweighted.
        using var balanced = (Supervised)MethodFactory.Create("supervised", new TinyBackbone(8), new SupervisedConfig { ClassBalancedBatches = true }, Published("supervised"), trainDefectShare: 0.05);
        Assert.Equal(1.0, balanced.PosWeight, 12);
        // The loss is BCE with that positive weight.
        using var generator = new Generator(1);
        var images = randn(4, 3, 8, 8);
        var labels = tensor(new float[] { 1, 0, 0, 1 });
        var loss = method.TrainingStep(new StepInput([images], labels, new TrainingProgress(0, 0, 1, 1), generator)).Loss;
        var logits = method.Logits(images);
        var manual = labels.mul(19).mul(nn.functional.softplus(logits.neg())).add(labels.neg().add(1).mul(nn.functional.softplus(logits))).mean();
        Assert.Equal(manual.item<float>(), loss.item<float>(), 5);
    }

    [Fact]
    public void Factory_lists_the_valid_names_for_an_unknown_one()
    {
        var e = Assert.Throws<UserInputException>(() => MethodFactory.Create("swav", new TinyBackbone(8), null, new OptimizerSettings()));
        Assert.Equal("unknown method 'swav' (valid: simclr, byol, barlow, dino, mae, supervised, random-init).", e.Message);
        Assert.Equal(["simclr", "byol", "barlow", "dino", "mae", "supervised", "random-init"], MethodFactory.Names);
    }

    [Fact]
    public void Defaults_follow_the_design_notes()
    {
        var simclr = (SimClrConfig)MethodRegistry.SimClr.Defaults;
        Assert.Equal((3, 2048, 256, 0.2), (simclr.ProjectorLayers, simclr.ProjectorHiddenDim, simclr.ProjectorOutputDim, simclr.Temperature));
        var byol = (ByolConfig)MethodRegistry.Byol.Defaults;
        Assert.Equal((2, 4096, 256, 4096, 0.99, 1.0), (byol.ProjectorLayers, byol.ProjectorHiddenDim, byol.ProjectorOutputDim, byol.PredictorHiddenDim, byol.EmaBase, byol.EmaFinal));
        var barlow = (BarlowTwinsConfig)MethodRegistry.Barlow.Defaults;
        Assert.Equal((3, 2048, 2048, 0.0051, 0.1), (barlow.ProjectorLayers, barlow.ProjectorHiddenDim, barlow.ProjectorOutputDim, barlow.BarlowLambda, barlow.BarlowScale));
        var dino = (DinoConfig)MethodRegistry.Dino.Defaults;
        Assert.Equal((2048, 256, 4096, 0.1, 0.04, 0.07, 0.9, 0.996), (dino.DinoHiddenDim, dino.DinoBottleneckDim, dino.DinoPrototypes,
            dino.DinoStudentTemperature, dino.DinoWarmupTeacherTemperature, dino.DinoTeacherTemperature, dino.DinoCenterMomentum, dino.EmaBase));
        var mae = (MaeConfig)MethodRegistry.Mae.Defaults;
        Assert.Equal((0.75, true, 256, 4, 8), (mae.MaskRatio, mae.MaeNormPixLoss, mae.MaeDecoderDim, mae.MaeDecoderDepth, mae.MaeDecoderHeads));
        Assert.Null(((SupervisedConfig)MethodRegistry.Supervised.Defaults).PosWeight);
        Assert.Empty(MethodRegistry.RandomInitFloor.Defaults.ToJson());
        // A record's own defaults are its method's: new ByolConfig() is BYOL as published.
        Assert.All(MethodRegistry.All, m => Assert.Equal(m.Defaults, Activator.CreateInstance(m.ConfigType)));
    }

    [Fact]
    public void Config_overrides_by_key_and_round_trips_through_json()
    {
        var config = (SimClrConfig)MethodRegistry.SimClr.Defaults.WithOverrides(new Dictionary<string, JsonNode?>
        {
            ["temperature"] = 0.5, ["projector_output_dim"] = 128,
        });
        Assert.Equal((0.5, 128), (config.Temperature, config.ProjectorOutputDim));
        Assert.Equal(config, MethodConfig.FromJson(MethodRegistry.SimClr, config.ToJson()));
        Assert.Equal(0.5, config.ToJson()["temperature"]!.GetValue<double>());
        Assert.Equal(["projector_hidden_dim", "projector_output_dim", "projector_layers", "temperature"], config.ToJson().Select(p => p.Key));

        var unknown = Assert.Throws<UserInputException>(() => config.WithOverrides(new Dictionary<string, JsonNode?> { ["dino_prototypes"] = 32 }));
        Assert.Equal("unknown method simclr setting 'method.dino_prototypes' (valid: method.projector_hidden_dim, method.projector_output_dim, method.projector_layers, method.temperature).", unknown.Message);
        var wrongType = Assert.Throws<UserInputException>(() => config.WithOverrides(new Dictionary<string, JsonNode?> { ["projector_layers"] = "three" }));
        Assert.Contains("projector_layers", wrongType.Message);
        var invalid = Assert.Throws<UserInputException>(() => MethodFactory.Create("mae", new VisionTransformer(new BackboneConfig(BackboneConfig.VitTiny, 8), 2, dim: 16, depth: 1, heads: 2),
            new MaeConfig { MaskRatio = 1.5 }, Published("mae")));
        Assert.Contains("method.mask_ratio", invalid.Message);

        var optimizer = MaeRecipe.Published.Optimizer.WithOverrides(new Dictionary<string, JsonNode?> { ["kind"] = "lars", ["lars_clip_lr"] = false });
        Assert.Equal(("lars", false, 1.5e-4), (optimizer.Kind, optimizer.LarsClipLr, optimizer.LearningRate));
        Assert.Contains("optimizer.kind must be lars, sgd, adamw, not 'adam'",
            Assert.Throws<UserInputException>(() => MethodFactory.Create("simclr", new TinyBackbone(8), null, optimizer with { Kind = "adam" })).Message);
        Assert.Contains("unknown optimizer setting 'optimizer.temperature'",
            Assert.Throws<UserInputException>(() => optimizer.WithOverrides(new Dictionary<string, JsonNode?> { ["temperature"] = 0.1 })).Message);
    }
}
