using SslAnomaly.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Eval;

public class FeatureExtractionTests
{
    /// <summary>A stand-in backbone whose output depends on train/eval mode (dropout), as real ones do (batch norm).</summary>
    sealed class TinyBackbone : Backbone
    {
        readonly nn.Module<Tensor, Tensor> _fc = nn.Linear(3 * 4 * 4, 5);
        readonly nn.Module<Tensor, Tensor> _dropout = nn.Dropout(0.5);

        public TinyBackbone() : base("tiny", new BackboneConfig("tiny", 4)) => RegisterComponents();
        public override int FeatureDim => 5;
        public override Tensor forward(Tensor x) => _dropout.forward(_fc.forward(x.flatten(1)));
    }

    static IEnumerable<LabeledBatch> Batches(Tensor images, int batchSize, int? codeOf = 1)
    {
        for (int start = 0; start < images.shape[0]; start += batchSize)
        {
            int n = (int)Math.Min(batchSize, images.shape[0] - start);
            var labels = Enumerable.Range(start, n).Select(i => new SampleLabel($"{i:D8}.png", i % 3 == 0, codeOf is null ? null : i % 3 == 0 ? codeOf : 0)).ToArray();
            yield return new LabeledBatch(images.narrow(0, start, n).clone(), labels);
        }
    }

    [Fact]
    public void Extracts_eval_mode_features_in_order_and_restores_training_mode()
    {
        manual_seed(0);
        var backbone = new TinyBackbone();
        backbone.train();
        using var images = randn(10, 3, 4, 4);

        var features = FeatureExtractor.Extract(backbone, Batches(images, 4));

        Assert.True(backbone.training);
        backbone.eval();
        using (no_grad())
        {
            using var expected = backbone.forward(images);
            Assert.Equal(expected.data<float>().ToArray(), features.Values);
        }
        Assert.Equal((10, 5), (features.Rows, features.Dim));
        Assert.Equal("00000007.png", features.Filenames[7]);
        Assert.Equal([true, false, false, true], features.Truth.Defect.Take(4));
        Assert.True(features.Truth.HasCodes);
    }

    [Fact]
    public void Rows_without_codes_give_a_truth_without_codes()
    {
        using var images = randn(3, 3, 4, 4);
        var features = FeatureExtractor.Extract(new TinyBackbone(), Batches(images, 2, codeOf: null));
        Assert.False(features.Truth.HasCodes);
    }

    [Fact]
    public void Cache_is_reused_for_the_same_key_and_recomputed_for_another_model_or_a_torn_file()
    {
        using var dir = new TempDir();
        manual_seed(1);
        var backbone = new TinyBackbone();
        using var images = randn(7, 3, 4, 4);
        var key = new FeatureCacheKey(new string('a', 64), "ckpt-epoch-10|4px");
        int computed = 0;
        FeatureSet Compute() { computed++; return FeatureExtractor.Extract(backbone, Batches(images, 3)); }

        var first = FeatureCache.GetOrCompute(dir.Path, key, Compute);
        var second = FeatureCache.GetOrCompute(dir.Path, key, Compute);
        Assert.Equal(1, computed);
        Assert.Equal(first.Values, second.Values);
        Assert.Equal(first.Filenames, second.Filenames);
        Assert.Equal(first.Truth.Defect, second.Truth.Defect);
        Assert.Equal(first.Truth.CodeMasks, second.Truth.CodeMasks);
        var path = FeatureCache.PathFor(dir.Path, key);
        Assert.Equal("features-aaaaaaaaaaaaaaaa.bin", Path.GetFileName(path));

        FeatureCache.GetOrCompute(dir.Path, key with { ModelKey = "ckpt-epoch-20|4px" }, Compute);
        Assert.Equal(2, computed);

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);  // torn write
        FeatureCache.GetOrCompute(dir.Path, key with { ModelKey = "ckpt-epoch-20|4px" }, Compute);
        Assert.Equal(3, computed);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}
