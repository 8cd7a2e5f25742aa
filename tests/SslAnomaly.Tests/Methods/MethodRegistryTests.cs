using SslAnomaly.Augment;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Methods;

/// <summary>The registry is the one place a method's identity lives: what it says must hold for the method it builds.</summary>
public class MethodRegistryTests
{
    public static TheoryData<string> Names() => [.. MethodRegistry.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void An_entry_builds_the_method_it_names_with_the_views_its_recipe_makes(string name)
    {
        var spec = MethodRegistry.Get(name);
        Backbone backbone = spec.Accepts(BackboneConfig.ResNet18)
            ? new TinyBackbone(8)
            : new VisionTransformer(new BackboneConfig(BackboneConfig.VitTiny, 8), 2, dim: 16, depth: 1, heads: 2);
        using var method = MethodFactory.Create(name, backbone, MethodOverfitTests.SmallHeads(name), MethodOverfitTests.SmallSteps(name, 0.1), trainDefectShare: 0.2,
            createBackbone: () => new TinyBackbone(8));
        Assert.Equal(name, method.MethodName);
        Assert.Equal(method.ViewCount, ViewRecipe.For(spec, 8).ViewCount);
        Assert.False(string.IsNullOrWhiteSpace(spec.Summary));
    }

    [Fact]
    public void Validation_sweep_and_report_read_the_backbones_an_entry_accepts()
    {
        var e = Assert.Throws<UserInputException>(() => ExperimentConfigBuilder.Build("smoke", null, null, ["method=mae"]));
        Assert.Equal(MethodRegistry.Mae.BackboneError(BackboneConfig.ResNet18), e.Message);
        var plan = SweepPlan.Create("quick", null, null, null, 0, null, null, null);
        foreach (var spec in MethodRegistry.All)
            foreach (var backbone in BackboneConfig.Names)
                Assert.Equal(spec.Accepts(backbone), plan.Entries.Any(x => x.Method == spec.Name && x.Backbone == backbone));
        // The paper's rows in its order, with the floors and ceilings (reference rows) beside them.
        Assert.Equal(["supervised", "byol", "barlow", "dino", "mae", "simclr"], Table1.MethodOrder.Where(m => MethodRegistry.Find(m) is { PaperName: not null }));
        Assert.Equal(["always-defect", "prior", "random-init", "supervised", "supervised-head", "byol", "barlow", "dino", "mae", "simclr"], Table1.MethodOrder);
        Assert.Equal("barlow", PaperReference.MethodKey("Barlow Twins"));
    }

    [Fact]
    public void Each_entry_says_whether_it_is_self_supervised_the_supervised_ceiling_or_the_floor()
    {
        Assert.Equal(["simclr", "byol", "barlow", "dino", "mae"], MethodRegistry.All.Where(m => m.Kind == MethodKind.SelfSupervised).Select(m => m.Name));
        Assert.Equal(MethodKind.Supervised, MethodRegistry.KindOf("supervised"));
        Assert.Equal(MethodKind.Floor, MethodRegistry.KindOf("random-init"));
        // The report's derived reference rows are no method.
        Assert.Null(MethodRegistry.KindOf("supervised-head"));
        Assert.False(MethodRegistry.IsSelfSupervised("always-defect"));
        Assert.False(MethodRegistry.IsSelfSupervised("random-init"));
    }
}
