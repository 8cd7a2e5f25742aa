using System.Text.Json.Nodes;
using SslAnomaly.Training;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Training;

public class CheckpointTests
{
    [Fact]
    public void Tensors_of_every_dtype_and_the_metadata_round_trip_exactly()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var tensors = new (string, Tensor)[]
        {
            ("a/float", randn(3, 4)), ("a/double", randn(2, dtype: ScalarType.Float64)), ("b/long", arange(5)),
            ("b/bytes", tensor(new byte[] { 0, 7, 255 })), ("c/bool", tensor(new[] { true, false })), ("d/scalar", tensor(3.5f)),
            ("e/strided", randn(4, 6).t()), ("f/empty", zeros(0, 3)),
        };
        string path = dir.File("x.ckpt");
        CheckpointFile.Write(path, tensors, new JsonObject { ["step"] = 12, ["name"] = "run" });
        var (metadata, read) = CheckpointFile.Read(path);
        Assert.Equal(12, metadata["step"]!.GetValue<int>());
        Assert.Equal(tensors.Select(t => t.Item1), read.Keys);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, read[name].dtype);
            Assert.True(read[name].SameAs(t), name);
        }
        foreach (var t in read.Values) t.Dispose();
        Assert.Equal(12, CheckpointFile.ReadMetadata(path)["step"]!.GetValue<int>());
        Assert.Single(Directory.GetFiles(dir.Path)); // no temp files left behind
    }

    [Fact]
    public void Damaged_files_are_rejected_and_the_store_falls_back_to_an_older_checkpoint()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keep: 2);
        for (long step = 1; step <= 4; step++) store.Save(step, [("w", full(3, (float)step))], new JsonObject { ["steps_done"] = step });
        Assert.Equal(["step-000000003.ckpt", "step-000000004.ckpt"], store.List().Select(Path.GetFileName));
        Assert.Equal(dir.File("step-000000004.ckpt"), store.Latest());

        // A truncated file (a crash before the rename cannot leave one, a full disk or a copy might) is skipped.
        var bytes = File.ReadAllBytes(dir.File("step-000000004.ckpt"));
        File.WriteAllBytes(dir.File("step-000000004.ckpt"), bytes[..^4]);
        Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(dir.File("step-000000004.ckpt")));
        Assert.Equal(dir.File("step-000000003.ckpt"), store.Latest());
        File.WriteAllBytes(dir.File("step-000000004.ckpt"), bytes[..20]);
        Assert.Equal(dir.File("step-000000003.ckpt"), store.Latest());
        File.WriteAllText(dir.File("step-000000005.ckpt"), "not a checkpoint");
        Assert.Equal(dir.File("step-000000003.ckpt"), store.Latest());
        Assert.Throws<InvalidDataException>(() => CheckpointFile.ReadMetadata(dir.File("step-000000005.ckpt" + CheckpointStore.DamagedSuffix)));
    }

    [Theory]
    [InlineData(0)]   // first tensor byte
    [InlineData(-1)]  // last byte of the file
    [InlineData(-13)] // inside the last tensor
    public void A_flipped_bit_is_caught_by_the_checksum_and_the_store_resumes_from_the_previous_checkpoint(int at)
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var store = new CheckpointStore(dir.Path, keep: 2);
        for (long step = 1; step <= 2; step++) store.Save(step, [("w", full(3, (float)step)), ("v", arange(4))], new JsonObject { ["steps_done"] = step });
        var latest = dir.File("step-000000002.ckpt");
        var bytes = File.ReadAllBytes(latest);
        int dataStart = bytes.Length - (3 * 4 + 4 * 8);
        bytes[at >= 0 ? dataStart + at : bytes.Length + at] ^= 0x10; // same length: only the checksum can tell
        File.WriteAllBytes(latest, bytes);

        CheckpointFile.ReadMetadata(latest); // the cheap header check cannot see it...
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Verify(latest));
        Assert.Contains("corrupted", e.Message);
        Assert.Contains(latest, e.Message);
        Assert.Throws<InvalidDataException>(() => CheckpointFile.Read(latest));

        var warnings = new List<string>();
        Assert.Equal(dir.File("step-000000001.ckpt"), store.Latest(warnings.Add));
        Assert.Contains("step-000000002.ckpt is damaged", Assert.Single(warnings));
        Assert.True(File.Exists(latest + CheckpointStore.DamagedSuffix)); // kept aside, not deleted
        Assert.Equal(["step-000000001.ckpt"], store.List().Select(Path.GetFileName));
    }

    [Fact]
    public void A_store_without_checkpoints_has_no_latest()
    {
        using var dir = new TempDir();
        Assert.Null(new CheckpointStore(Path.Combine(dir.Path, "missing")).Latest());
    }
}
