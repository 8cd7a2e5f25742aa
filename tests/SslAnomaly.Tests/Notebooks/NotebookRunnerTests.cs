using System.Text.Json;
using System.Text.RegularExpressions;
using SkiaSharp;
using SslAnomaly.Notebooks;
using SslAnomaly.Tests.Support;
using Xunit;
using static SslAnomaly.Tests.Support.NotebookRunnerProcess;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>The runner executes the sample notebooks into valid nbformat 4.5 with the outputs the kernel would give.</summary>
[Collection(SslAnomaly.Tests.Support.EndToEnd.Name)]
public class NotebookRunnerTests(SampleRuns runs) : IClassFixture<SampleRuns>
{
    static string Type(JsonElement output) => output.GetProperty("output_type").GetString()!;
    static string Data(JsonElement output, string mime) => Text(output.GetProperty("data").GetProperty(mime));

    static void AssertValid(NotebookRunnerProcess.Result run)
    {
        Assert.NotNull(run.Notebook);
        var errors = Schema.Validate(run.Notebook!.Value);
        Assert.True(errors.Count == 0, "not valid nbformat 4.5:\n" + JsonSchemaValidator.Describe(errors));
    }

    static string StreamText(JsonElement notebook, int cell) =>
        string.Concat(notebook.GetProperty("cells")[cell].GetProperty("outputs").EnumerateArray()
            .Where(o => Type(o) == "stream").Select(o => Text(o.GetProperty("text"))));

    [Fact]
    public void Ipynb_sample_runs_into_valid_nbformat_with_streams_figures_and_tables()
    {
        var run = runs.Ipynb;
        Assert.True(run.ExitCode == 0, run.All);
        AssertValid(run);
        var nb = run.Notebook!.Value;
        Assert.Equal(".net-csharp", nb.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
        Assert.DoesNotContain(Outputs(nb), o => Type(o.Output) == "error");

        // Console output per cell; the profile comes from SSL_ANOMALY_PROFILE; #load ran helper.csx.
        Assert.Equal("profile: smoke\n", StreamText(nb, 1));
        Assert.Equal("hello from helper.csx, ipynb\n", StreamText(nb, 2));

        // The figure is displayed before the text printed after it, in that order, with a text fallback.
        var figure = nb.GetProperty("cells")[3].GetProperty("outputs");
        Assert.Equal(new[] { "display_data", "stream" }, figure.EnumerateArray().Select(Type));
        Assert.Contains("class=\"ssl-plotly\"", Data(figure[0], "text/html"));
        Assert.StartsWith("Plotly figure: Loss per epoch", Data(figure[0], "text/plain"));

        // display(frame) and a trailing expression (a sequence of records) as tables; the value is an execute_result.
        var tables = nb.GetProperty("cells")[4].GetProperty("outputs");
        Assert.Equal(new[] { "display_data", "execute_result" }, tables.EnumerateArray().Select(Type));
        Assert.Contains("<td style=\"border:1px solid #ccc;padding:2px 6px;text-align:left\">simclr</td>", Data(tables[0], "text/html"));
        Assert.Contains("byol", Data(tables[0], "text/plain"));
        Assert.Contains("<th", Data(tables[1], "text/html"));
        Assert.Equal("Method    F1\n------  ----\ndino    0.57\nmae     0.49", Data(tables[1], "text/plain"));
        Assert.Equal(4, tables[1].GetProperty("execution_count").GetInt32());

        // plotly.js travels once, with the first figure; the second figure is only its div and script.
        var html = Outputs(nb).Where(o => o.Output.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out _))
            .Select(o => Data(o.Output, "text/html")).ToList();
        Assert.Single(html, h => h.Contains(PlotlyDisplay.PlotlyScriptMarker, StringComparison.Ordinal));
        Assert.Single(Regex.Matches(html.Single(h => h.Contains(PlotlyDisplay.PlotlyScriptMarker, StringComparison.Ordinal)), PlotlyDisplay.PlotlyScriptMarker));
        Assert.Contains(PlotlyDisplay.PlotlyScriptMarker, Data(figure[0], "text/html"));

        // Code cells count executions 1..5 and keep their ids and Polyglot kernel names.
        var code = nb.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToList();
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, code.Select(c => c.GetProperty("execution_count").GetInt32()));
        Assert.All(code, c => Assert.Equal("csharp", c.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString()));
        Assert.Equal("setup", code[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Dib_sample_runs_with_magics_image_grid_and_run_summary()
    {
        var run = runs.Dib;
        Assert.True(run.ExitCode == 0, run.All);
        AssertValid(run);
        var nb = run.Notebook!.Value;
        var kinds = nb.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("cell_type").GetString()).ToList();
        Assert.Equal(new[] { "markdown", "code", "code", "code", "code", "code", "code" }, kinds);
        Assert.DoesNotContain(Outputs(nb), o => Type(o.Output) == "error");
        Assert.Matches(@"^hello from helper\.csx, dib\nWall time: \d+(\.\d)?ms\n$", StreamText(nb, 2));

        // The image grid carries PNGs that decode back to the tensors' pixels: first image red, 8x8.
        var grid = Data(nb.GetProperty("cells")[3].GetProperty("outputs")[0], "text/html");
        var pngs = Regex.Matches(grid, "data:image/png;base64,([A-Za-z0-9+/=]+)").Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToList();
        Assert.Equal(2, pngs.Count);
        using (var red = SKBitmap.Decode(pngs[0]))
        {
            Assert.Equal((8, 8), (red.Width, red.Height));
            Assert.Equal(new SKColor(255, 0, 0), red.GetPixel(3, 3));
        }
        using (var ramp = SKBitmap.Decode(pngs[1]))
            Assert.True(ramp.GetPixel(0, 0).Red < 10 && ramp.GetPixel(7, 0).Red > 245, "the ramp goes from black to white");
        Assert.Equal("image grid of 2 image(s), 8x8 px; captions: red, ramp", Data(nb.GetProperty("cells")[3].GetProperty("outputs")[0], "text/plain"));

        var summary = nb.GetProperty("cells")[4].GetProperty("outputs")[0];
        Assert.StartsWith("simclr · resnet18 · train 5 % defects · seed 0 · 32 px: completed; RankMe 12.5", Data(summary, "text/plain"));
        Assert.Contains("0.610", Data(summary, "text/html"));

        var heatmap = nb.GetProperty("cells")[5].GetProperty("outputs")[0];
        Assert.Equal("execute_result", Type(heatmap));
        Assert.StartsWith("Plotly figure: F1 by train and validation share\n  heatmap: 2 x 2 cells", Data(heatmap, "text/plain"));

        // display() returns a handle that updates its output in place; HTML() is shown as markup.
        var last = nb.GetProperty("cells")[6].GetProperty("outputs");
        Assert.Equal("step 2 of 2", Data(last[0], "text/plain"));
        Assert.Equal("<b>done</b>", Data(last[1], "text/html"));
    }

    [Fact]
    public void A_failing_cell_stops_the_run_with_its_number_and_error()
    {
        var run = runs.Failing;
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cell 3 failed: System.InvalidOperationException: deliberate failure in cell 3", run.Stderr);
        AssertValid(run);
        var cells = run.Cells;
        Assert.Equal("cell 2 ran\n", StreamText(run.Notebook!.Value, 1));
        var outputs = cells[2].GetProperty("outputs");
        Assert.Equal(new[] { "stream", "error" }, outputs.EnumerateArray().Select(Type));
        var error = outputs[1];
        Assert.Equal("System.InvalidOperationException", error.GetProperty("ename").GetString());
        Assert.Equal("deliberate failure in cell 3", error.GetProperty("evalue").GetString());
        Assert.StartsWith("Cell 3 (execution 2, id boom) failed", error.GetProperty("traceback")[0].GetString());
        // Cell 4 never ran.
        Assert.Equal(JsonValueKind.Null, cells[3].GetProperty("execution_count").ValueKind);
        Assert.Equal(0, cells[3].GetProperty("outputs").GetArrayLength());
    }

    [Fact]
    public void Html_pages_render_every_plotly_figure_in_headless_chromium_without_script_errors()
    {
        foreach (var (page, figures) in new[] { (runs.IpynbHtml, 2), (runs.DibHtml, 1) })
        {
            Assert.True(File.Exists(page), $"{page} was not written");
            Assert.Single(Regex.Matches(File.ReadAllText(page), PlotlyDisplay.PlotlyScriptMarker));
            var dom = BrowserPage.DumpDom(page);
            var errors = BrowserPage.ScriptErrors(dom);
            Assert.True(errors.Count == 0, $"{page}: script errors:\n{string.Join("\n", errors)}");
            // Plotly marks each div it drew on and puts its SVG inside; the fallback text is gone.
            int drawn = Regex.Matches(dom, "<div id=\"ssl-plot-[0-9a-f]+\" class=\"ssl-plotly js-plotly-plot\"").Count;
            Assert.True(drawn == figures, $"{page}: Plotly drew {drawn} of {figures} figures");
            Assert.True(Regex.Matches(dom, "<svg class=\"main-svg\"").Count >= figures, $"{page}: no svg.main-svg for every figure");
            Assert.DoesNotContain("ssl-plotly-fallback", dom);
        }
        // The markdown story is rendered (headings, tables) in the page of the .ipynb.
        var story = File.ReadAllText(runs.IpynbHtml);
        Assert.Contains("<h1>Runner sample (ipynb)</h1>", story);
        Assert.Contains("<td>strong imbalance</td>", story);
    }

    [Fact]
    public void A_notebook_that_cannot_be_read_exits_with_2_and_writes_nothing()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("broken.ipynb"), "{ not json");
        var run = Run(dir.File("broken.ipynb"), dir.File("out.ipynb"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken.ipynb: not valid JSON", run.Stderr);
        Assert.Null(run.Notebook);
    }

    [Fact]
    public void Html_page_of_a_failed_run_shows_the_error()
    {
        var page = File.ReadAllText(runs.FailingHtml);
        Assert.Contains("<pre class=\"error\"><b>System.InvalidOperationException: deliberate failure in cell 3</b>", page);
    }
}
