using System.Text;
using SslAnomaly.Monitoring;
using SslAnomaly.Training;

namespace SslAnomaly.Tests.Monitoring;

public class SinkTests
{
    [Theory]
    // RFC 3720 (iSCSI) B.4 test vectors and the classic check value.
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("", 0x00000000u)]
    public void Crc32C_matches_known_vectors(string ascii, uint expected) =>
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(ascii)));

    [Fact]
    public void Crc32C_matches_RFC_3720_binary_vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void Masking_follows_tensorflow()
    {
        // Values from a bit-by-bit Python CRC-32C and TensorFlow's mask ((crc >> 15) | (crc << 17)) + 0xa282ead8.
        Assert.Equal(0xA282EAD8u, Crc32C.Mask(0));
        Assert.Equal(0xC78AB0E5u, Crc32C.Mask(0xE3069283u));
    }

    [Fact]
    public void Tfrecord_framing_of_an_empty_record_is_bit_exact()
    {
        var stream = new MemoryStream();
        TfRecord.Write(stream, []);
        // length 0 (u64), masked CRC of those 8 zero bytes (0x8c28b28a -> 0x07980329), masked CRC of no data.
        Assert.Equal(Convert.FromHexString("000000000000000029039807D8EA82A2"), stream.ToArray());
    }

    [Fact]
    public void TensorBoard_events_read_back()
    {
        using var dir = new TempDir();
        double time = 1_700_000_000.25;
        string path;
        using (var sink = new TensorBoardMetricsSink(dir.Path, () => time))
        {
            sink.Log(0, "rankme/backbone", 12.5);
            sink.Log(300, "features/backbone_std", 0.125);
            sink.Log(1L << 40, "loss", -3.75);
            sink.Flush();
            path = sink.Path;
        }

        Assert.StartsWith("events.out.tfevents.1700000000.", Path.GetFileName(path));
        var events = TensorBoardFile.Read(path);
        Assert.Equal(4, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(time, events[0].WallTime);
        Assert.Equal([(0L, "rankme/backbone", 12.5f), (300L, "features/backbone_std", 0.125f), (1L << 40, "loss", -3.75f)],
            events.Skip(1).Select(e => (e.Step, Assert.Single(e.Scalars).Tag, e.Scalars[0].Value)).ToArray());
    }

    [Fact]
    public void Corrupted_event_file_is_detected()
    {
        using var dir = new TempDir();
        string path;
        using (var sink = new TensorBoardMetricsSink(dir.Path)) { sink.Log(1, "x", 1); path = sink.Path; }
        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 1;  // inside the last record's payload
        File.WriteAllBytes(path, bytes);
        Assert.Throws<InvalidDataException>(() => TensorBoardFile.Read(path));
    }

    [Fact]
    public void Csv_sink_writes_long_format_and_appends_on_resume()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Log(0, "rankme/backbone", 1.5);
            sink.Log(10, "rankme/backbone", 0.1 + 0.2);  // round-trips exactly
        }
        // The file is complete without Dispose-time flushing: each row is flushed.
        using (var sink = new CsvMetricsSink(path))
            sink.Log(20, "loss", double.NaN);

        Assert.Equal("step,name,value\n0,rankme/backbone,1.5\n10,rankme/backbone,0.30000000000000004\n20,loss,NaN\n", File.ReadAllText(path));
        Assert.Equal(0.1 + 0.2, CsvMetricsSink.Read(path).ElementAt(1).Value);
    }

    [Fact]
    public void Csv_sink_drops_a_torn_line_and_steps_after_the_resumed_checkpoint()
    {
        using var dir = new TempDir();
        var path = dir.File("metrics.csv");
        File.WriteAllText(path, "step,name,value\n0,a,1\n5,a,2\n9,a,3\n12,a,4\n13,a,");
        using (var sink = new CsvMetricsSink(path, resumeAfterStep: 5))
            sink.Log(6, "a", 7);
        Assert.Equal("step,name,value\n0,a,1\n5,a,2\n6,a,7\n", File.ReadAllText(path));
    }

    [Fact]
    public void Csv_sink_refuses_names_that_break_the_format_and_foreign_files()
    {
        using var dir = new TempDir();
        using (var sink = new CsvMetricsSink(dir.File("metrics.csv")))
            Assert.Throws<ArgumentException>(() => sink.Log(0, "a,b", 1));
        File.WriteAllText(dir.File("other.csv"), "epoch,loss\n1,2\n");
        Assert.Throws<InvalidDataException>(() => new CsvMetricsSink(dir.File("other.csv")));
    }

    [Fact]
    public void Composite_sink_forwards_to_all()
    {
        var a = new RecordingSink();
        var b = new RecordingSink();
        var composite = new CompositeMetricsSink(a, b);
        composite.Log(3, "x", 2);
        composite.Flush();
        Assert.Equal([(3L, "x", 2.0)], a.Entries);
        Assert.Equal(a.Entries, b.Entries);
        Assert.Equal(1, b.Flushes);
    }
}
