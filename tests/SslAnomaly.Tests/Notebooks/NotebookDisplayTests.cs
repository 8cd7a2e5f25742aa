using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using SkiaSharp;
using SslAnomaly.Notebooks;
using SslAnomaly.Reporting;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>The formatters NotebookDisplay registers, called through the Formatting package as a kernel would.</summary>
public class NotebookDisplayTests
{
    public NotebookDisplayTests() => NotebookDisplay.Register();

    record Score(string Method, double F1);

    static PlotlyFigure Line(string title) =>
        PlotlyFigure.Of(PlotlyTraces.Line(new[] { 1, 2 }, new[] { 0.5, 0.25 }, "loss")).WithTitle(title);

    [Fact]
    public void Charts_carry_plotly_js_once_per_process_and_a_text_summary()
    {
        NotebookDisplay.Register(); // a second call changes nothing
        PlotlyDisplay.ResetEmbeddedScript();
        string first = Line("first").ToDisplayString("text/html");
        string second = Line("</script><b>").ToDisplayString("text/html");
        Assert.Contains(PlotlyDisplay.PlotlyScriptMarker, first);
        Assert.Contains("plotly.js v2.28", first);
        Assert.DoesNotContain(PlotlyDisplay.PlotlyScriptMarker, second);
        Assert.True(second.Length < 20_000, "later charts must not repeat plotly.js");
        // A title that closes a script tag cannot end the chart's script early.
        Assert.Equal(Regex.Matches(second, "<script").Count, Regex.Matches(second, "</script>").Count);
        Assert.Equal("Plotly figure: first\n  scatter \"loss\": 2 points", Line("first").ToDisplayString("text/plain"));
        Assert.Equal(new[] { "text/html", "text/plain" }, Formatter.GetPreferredMimeTypesFor(typeof(PlotlyFigure)));
    }

    [Fact]
    public void Records_become_tables_while_other_sequences_keep_the_default_look()
    {
        var scores = new List<Score> { new("simclr", 0.61), new("byol", 0.5) };
        Assert.Equal("Method    F1\n------  ----\nsimclr  0.61\nbyol     0.5", scores.ToDisplayString("text/plain"));
        string html = scores.ToDisplayString("text/html");
        Assert.Contains("<th style=\"border:1px solid #ccc;padding:2px 6px;text-align:left;background:#eee\">Method</th>", html);
        Assert.Contains("<td style=\"border:1px solid #ccc;padding:2px 6px;text-align:right\">0.61</td>", html);
        var anonymous = new[] { new { Share = 5, Runs = 3 } };
        Assert.Contains(">Share</th>", anonymous.ToDisplayString("text/html"));
        Assert.Contains("[ 1, 2, 3 ]", new[] { 1, 2, 3 }.ToDisplayString("text/html"));
        Assert.DoesNotContain("ssl-table", new List<string> { "a" }.ToDisplayString("text/html"));
    }

    [Fact]
    public void Data_frames_show_at_most_MaxRows_rows_and_count_the_rest()
    {
        var frame = new DataFrame(new PrimitiveDataFrameColumn<int>("n", Enumerable.Range(0, Tables.MaxRows + 50)));
        string html = frame.ToDisplayString("text/html");
        Assert.Equal(Tables.MaxRows, Regex.Matches(html, "<tr><td").Count);
        Assert.Contains("… 50 more rows (150 in all)", html);
        Assert.StartsWith(" n\n--\n 0\n 1\n", frame.ToDisplayString("text/plain"));
    }

    [Fact]
    public void Tensors_become_pngs_with_their_pixels()
    {
        var gray = linspace(-2, 2, 4).reshape(1, 2, 2); // normalised values: rescaled to 0..255 per image
        var tiles = PngImages.FromTensor(gray, rescale: true);
        using var bitmap = SKBitmap.Decode(tiles[0].Png);
        Assert.Equal(new[] { 0, 85, 170, 255 }, new[] { bitmap.GetPixel(0, 0), bitmap.GetPixel(1, 0), bitmap.GetPixel(0, 1), bitmap.GetPixel(1, 1) }.Select(c => (int)c.Red));
        var bytes = full(new long[] { 2, 3, 1, 1 }, 200, dtype: ScalarType.Byte);
        Assert.Equal(2, PngImages.FromTensor(bytes).Count);
        Assert.Throws<ArgumentException>(() => PngImages.FromTensor(zeros(2, 4, 8, 8)));
    }

    [Fact]
    public void Image_files_are_shrunk_to_thumbnails()
    {
        using var dir = new TempDir();
        using (var big = new SKBitmap(400, 200))
        {
            big.Erase(new SKColor(0, 0, 255));
            using var data = big.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(dir.File("blue.png"), data.ToArray());
        }
        var grid = ImageGrid.FromFiles([dir.File("blue.png")], ["blue"], maxSide: 100);
        Assert.Equal((100, 50), (grid.Tiles[0].Width, grid.Tiles[0].Height));
        Assert.Contains("alt=\"blue\"", grid.ToDisplayString("text/html"));
        Assert.Throws<FileNotFoundException>(() => ImageGrid.FromFiles([dir.File("none.png")]));
    }

    [Fact]
    public void Run_summaries_show_status_and_metrics_per_validation_share()
    {
        var metrics = new Dictionary<string, SslAnomaly.Eval.MetricsReport>
        {
            ["natural"] = RunResults.Metrics(f1: 0.5),
            ["1"] = RunResults.Metrics(f1: 0.25, recall: 1),
        };
        var failed = RunResults.Of("byol", "vit-tiny", 1, metrics, seed: 2, status: RunStatus.Failed, runDirectory: "/runs/x")
            with { FailureReason = "loss was NaN", ManifestSha256 = "0123456789abcdef" };
        string text = failed.ToDisplayString("text/plain");
        Assert.StartsWith("byol · vit-tiny · train 1 % defects · seed 2 · 32 px: failed (loss was NaN)\n/runs/x (manifest 0123456789ab…)", text);
        // Rows in the paper's order of validation shares: 1 % before natural.
        // Between f1 and recall: f2_ciw undefined (blank), f1_normal and precision 0.
        Assert.Matches(@"1 %\s+0\.250\s+0\.000\s+0\.000\s+1\.000\n\s*natural\s+0\.500", text);
        Assert.Contains("byol", new[] { failed }.ToDisplayString("text/html"));
    }

    [Fact]
    public void The_profile_comes_from_the_environment_value_and_defaults_to_quick()
    {
        Assert.Equal("quick", NotebookProfile.Parse(null));
        Assert.Equal("smoke", NotebookProfile.Parse(" Smoke "));
        Assert.Throws<UserInputException>(() => NotebookProfile.Parse("huge"));
    }
}
