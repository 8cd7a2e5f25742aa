using System.Text.Json;
using SslAnomaly.Losses;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Losses;

/// <summary>
/// Loss values and input gradients against float64 PyTorch references written after solo-learn / lightly / MAE
/// (torchref/losses/, evaluated by tests/fixtures/gen_methods.py). float32 must agree to 1e-5 (relative to the magnitude when above 1);
/// float64 to 1e-10, which shows that the formula, not rounding, is what matches.
/// </summary>
public class LossGoldenTests(ITestOutputHelper output)
{
    const string FixtureFile = "methods/losses.json";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixtures.Json(FixtureFile).GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static JsonElement Case(string name) =>
        Fixtures.Json(FixtureFile).GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    static Tensor Load(JsonElement t, ScalarType dtype) =>
        tensor(Fixtures.Doubles(t.GetProperty("data")), dtype: ScalarType.Float64).to(dtype).reshape(Fixtures.Shape(t.GetProperty("shape")));

    /// <summary>Evaluates the C# loss named by the case on its inputs.</summary>
    static Tensor Evaluate(JsonElement c, IReadOnlyDictionary<string, Tensor> x)
    {
        var p = c.GetProperty("params");
        switch (c.GetProperty("loss").GetString())
        {
            case "ntxent":
                return NtXentLoss.Compute(x["z1"], x["z2"], p.GetProperty("temperature").GetDouble());
            case "byol":
                return ByolLoss.Compute(x["p1"], x["p2"], x["z1"], x["z2"]);
            case "barlow":
                return BarlowTwinsLoss.Compute(x["z1"], x["z2"], p.GetProperty("lambda").GetDouble(), p.GetProperty("scale").GetDouble());
            case "dino":
                int crops = p.GetProperty("crops").GetInt32();
                return DinoLoss.Compute(Enumerable.Range(0, crops).Select(i => x[$"s{i}"]).ToList(), [x["t0"], x["t1"]], x["center"],
                    p.GetProperty("student_temperature").GetDouble(), p.GetProperty("teacher_temperature").GetDouble());
            case "mae":
                return MaeLoss.Compute(x["images"], x["pred"], x["mask"], p.GetProperty("patch_size").GetInt32(), p.GetProperty("norm_pix").GetBoolean());
            default:
                throw new InvalidOperationException("unknown loss kind");
        }
    }

    /// <summary>Max |actual - expected| / max(1, |expected|) over the loss and every gradient.</summary>
    static double Deviation(JsonElement c, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var grads = c.GetProperty("grads");
        var inputs = new Dictionary<string, Tensor>();
        foreach (var input in c.GetProperty("inputs").EnumerateObject())
            inputs[input.Name] = Load(input.Value, ScalarType.Float32).to(dtype).requires_grad_(grads.TryGetProperty(input.Name, out _));
        var loss = Evaluate(c, inputs);
        loss.backward();
        double expected = c.GetProperty("expected").GetDouble();
        double worst = Math.Abs(loss.to(ScalarType.Float64).item<double>() - expected) / Math.Max(1, Math.Abs(expected));
        foreach (var g in grads.EnumerateObject())
        {
            var want = Load(g.Value, ScalarType.Float64);
            var got = inputs[g.Name].grad!.to(ScalarType.Float64);
            var scale = want.abs().clamp_min(1);
            worst = Math.Max(worst, got.sub(want).abs().div(scale).max().item<double>());
        }
        foreach (var input in inputs.Keys.Where(k => !grads.TryGetProperty(k, out _)))
            Assert.True(inputs[input].grad is null || inputs[input].grad!.abs().max().item<double>() == 0, $"{input} should get no gradient");
        return worst;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_value_and_gradients_match_pytorch(string name)
    {
        double deviation = Deviation(Case(name), ScalarType.Float32);
        output.WriteLine($"{name}: max deviation {deviation:E2}");
        Assert.True(deviation < 1e-5, $"{name}: deviation {deviation:E2} from PyTorch exceeds 1e-5");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_value_and_gradients_match_pytorch_to_rounding(string name)
    {
        double deviation = Deviation(Case(name), ScalarType.Float64);
        Assert.True(deviation < 1e-10, $"{name}: float64 deviation {deviation:E2}");
    }

    [Fact]
    public void Dino_center_update_matches_pytorch()
    {
        foreach (var c in Fixtures.Json(FixtureFile).GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("loss").GetString() == "dino"))
        {
            using var scope = NewDisposeScope();
            var x = c.GetProperty("inputs");
            var updated = DinoLoss.UpdatedCenter(Load(x.GetProperty("center"), ScalarType.Float32),
                [Load(x.GetProperty("t0"), ScalarType.Float32), Load(x.GetProperty("t1"), ScalarType.Float32)], c.GetProperty("center_momentum").GetDouble());
            var want = Load(c.GetProperty("updated_center"), ScalarType.Float32);
            Assert.True(updated.sub(want).abs().max().item<float>() < 1e-6f);
            Assert.False(updated.requires_grad);
        }
    }

    [Fact]
    public void Barlow_constant_column_stays_finite_and_costs_its_diagonal()
    {
        using var scope = NewDisposeScope();
        var z1 = randn(6, 3);
        var z2 = z1.clone();
        z1[TensorIndex.Colon, 1] = tensor(5f);
        z2[TensorIndex.Colon, 1] = tensor(5f);
        // Perfectly correlated except dimension 1, which normalises to 0: C_11 = 0, off-diagonal entries of row/column 1 are 0.
        var loss = BarlowTwinsLoss.Compute(z1.requires_grad_(), z2, lambda: 0, scale: 1).item<float>();
        Assert.Equal(1f, loss, 4);
    }

    [Fact]
    public void NtXent_is_minimal_for_identical_well_separated_views()
    {
        using var scope = NewDisposeScope();
        var z = eye(4).mul(3);
        var aligned = NtXentLoss.Compute(z, z, 0.1).item<float>();
        var swapped = NtXentLoss.Compute(z, z.roll(1, 0), 0.1).item<float>();
        Assert.True(aligned < 1e-3f, $"aligned loss {aligned}");
        Assert.True(swapped > 5f, $"mismatched loss {swapped}");
    }

    [Fact]
    public void Mae_patchify_orders_patches_row_major_with_channels_last_and_round_trips()
    {
        using var scope = NewDisposeScope();
        var images = arange(2 * 3 * 8 * 8, dtype: ScalarType.Float32).reshape(2, 3, 8, 8);
        var patches = MaeLoss.Patchify(images, 4);
        Assert.Equal(new long[] { 2, 4, 48 }, patches.shape);
        // Patch 1 is the top-right block; its first entries are pixel (0, 4) in channels 0, 1, 2.
        Assert.Equal(images[0, 0, 0, 4].item<float>(), patches[0, 1, 0].item<float>());
        Assert.Equal(images[0, 1, 0, 4].item<float>(), patches[0, 1, 1].item<float>());
        Assert.Equal(images[0, 2, 0, 4].item<float>(), patches[0, 1, 2].item<float>());
        Assert.Equal(images[0, 0, 0, 5].item<float>(), patches[0, 1, 3].item<float>());
        Assert.True(MaeLoss.Unpatchify(patches, 4).eq(images).all().item<bool>());
    }

    [Fact]
    public void Mae_loss_ignores_visible_patches()
    {
        using var scope = NewDisposeScope();
        var images = randn(1, 3, 8, 8);
        var target = MaeLoss.Patchify(images, 4);
        var mask = tensor(new float[] { 1, 0, 0, 1 }).reshape(1, 4);
        var pred = target.clone();
        pred[0, 1] = pred[0, 1].add(100); // a visible patch: must not count
        Assert.Equal(0f, MaeLoss.Compute(images, pred, mask, 4, normalizePixels: false).item<float>(), 6);
        pred[0, 3] = pred[0, 3].add(2); // a masked patch: error 4 on half of the masked patches
        Assert.Equal(2f, MaeLoss.Compute(images, pred, mask, 4, normalizePixels: false).item<float>(), 5);
    }
}
