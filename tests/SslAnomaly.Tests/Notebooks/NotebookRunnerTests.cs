using System.Text.Json;
using System.Text.RegularExpressions;
using SkiaSharp;
using SslAnomaly.Notebooks;
using static SslAnomaly.Tests.Support.NotebookRunnerProcess;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>The runner executes the sample notebooks in the real kernel into valid nbformat 4.5, keeping the cell ids, and reports failures.</summary>
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

        // display(frame) and a trailing expression (a sequence of records) as tables (the kernel shows a cell's value
        // as display_data).
        var tables = nb.GetProperty("cells")[4].GetProperty("outputs");
        Assert.Equal(new[] { "display_data", "display_data" }, tables.EnumerateArray().Select(Type));
        Assert.Contains("<td style=\"border:1px solid #ccc;padding:2px 6px;text-align:left\">simclr</td>", Data(tables[0], "text/html"));
        Assert.Contains("byol", Data(tables[0], "text/plain"));
        Assert.Contains("<td style=\"border:1px solid #ccc;padding:2px 6px;text-align:left\">mae</td>", Data(tables[1], "text/html"));

        // plotly.js travels once, with the first figure; the second figure is only its div and script.
        var html = Outputs(nb).Where(o => o.Output.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out _))
            .Select(o => Data(o.Output, "text/html")).ToList();
        Assert.Single(html, h => h.Contains(PlotlyDisplay.PlotlyScriptMarker, StringComparison.Ordinal));
        Assert.Single(Regex.Matches(html.Single(h => h.Contains(PlotlyDisplay.PlotlyScriptMarker, StringComparison.Ordinal)), PlotlyDisplay.PlotlyScriptMarker));
        Assert.Contains(PlotlyDisplay.PlotlyScriptMarker, Data(figure[0], "text/html"));

        // Cells keep the source's ids (dotnet-repl drops them) and their Polyglot kernel names.
        Assert.Equal(new[] { "intro", "setup", "load", "figure-1", "tables", "second", "figure-2" },
            nb.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var code = nb.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToList();
        Assert.All(code, c => Assert.Equal("csharp", c.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString()));
    }

    [Fact]
    public void Dib_sample_runs_with_load_image_grid_and_run_summary()
    {
        var run = runs.Dib;
        Assert.True(run.ExitCode == 0, run.All);
        AssertValid(run);
        var nb = run.Notebook!.Value;
        var kinds = nb.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("cell_type").GetString()).ToList();
        Assert.Equal(new[] { "markdown", "code", "code", "code", "code", "code", "code" }, kinds);
        Assert.DoesNotContain(Outputs(nb), o => Type(o.Output) == "error");
        Assert.Equal("hello from helper.csx, dib\n", StreamText(nb, 2));
        Assert.Equal(new[] { "cell-1", "cell-2" }, nb.GetProperty("cells").EnumerateArray().Take(2).Select(c => c.GetProperty("id").GetString()));

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
        Assert.StartsWith("Plotly figure: F1 by train and validation share\n  heatmap: 2 x 2 cells", Data(heatmap, "text/plain"));

        // display() returns a handle whose Update the headless kernel records as a second output; HTML() is markup.
        var last = nb.GetProperty("cells")[6].GetProperty("outputs");
        Assert.Equal("step 2 of 2", Data(last[1], "text/plain"));
        Assert.Equal("<b>done</b>", Data(last[last.GetArrayLength() - 1], "text/html"));
    }

    [Fact]
    public void A_failing_cell_is_reported_with_its_number_and_error_and_the_run_exits_1()
    {
        var run = runs.Failing;
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cell 3 failed: System.InvalidOperationException: deliberate failure in cell 3\n", run.Stderr.Replace("\r", ""));
        AssertValid(run);
        var cells = run.Cells;
        Assert.Equal("cell 2 ran\n", StreamText(run.Notebook!.Value, 1));
        var outputs = cells[2].GetProperty("outputs");
        Assert.Equal(new[] { "stream", "error" }, outputs.EnumerateArray().Select(Type));
        Assert.StartsWith("System.InvalidOperationException: deliberate failure in cell 3", outputs[1].GetProperty("evalue").GetString());
        Assert.Equal("boom", cells[2].GetProperty("id").GetString());
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
        Assert.Contains("<pre class=\"error\"><b>Error: System.InvalidOperationException: deliberate failure in cell 3", page);
    }
}
