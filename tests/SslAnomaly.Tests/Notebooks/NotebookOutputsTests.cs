using System.Text.Json.Nodes;
using NotebookRunner.Outputs;
using SslAnomaly.Notebooks;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>
/// The notebooks-with-outputs tooling without a kernel: outputs merged into the source leave the source alone, every
/// figure gets one PNG copy, and the check ignores what changes from run to run but catches any changed number or figure.
/// </summary>
public class NotebookOutputsTests
{
    static JsonObject Notebook(params JsonObject[] cells) => new()
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode?)c).ToArray()),
        ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
    };

    static JsonObject Code(string id, params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = null, ["id"] = id, ["metadata"] = new JsonObject(),
        ["outputs"] = new JsonArray(outputs.Select(o => (JsonNode?)o).ToArray()), ["source"] = new JsonArray("x"),
    };

    static JsonObject Markdown(string id) => new() { ["cell_type"] = "markdown", ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = new JsonArray("# t") };

    static JsonObject Stream(string text) => new() { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray(text) };

    static JsonObject Display(string plain, string? html = null, string type = "display_data")
    {
        var data = new JsonObject { ["text/plain"] = plain };
        if (html is not null) data["text/html"] = html;
        var output = new JsonObject { ["output_type"] = type, ["data"] = data, ["metadata"] = new JsonObject() };
        if (type == "execute_result") output["execution_count"] = 3;
        return output;
    }

    static PlotlyFigure Figure(double value) =>
        PlotlyFigure.Of(PlotlyTraces.Columns(["a", "b"], [value, 2], "f1")).WithTitle("F1 by share").WithSize(500, 300);

    /// <summary>A figure output as the kernel shows it: the notebook library's own HTML for the figure.</summary>
    static JsonObject FigureOutput(double value) => Display(PlotlyDisplay.ToText(Figure(value)), PlotlyDisplay.ToHtml(Figure(value)));

    [Fact]
    public void The_figure_is_read_back_from_the_html_the_notebook_library_writes()
    {
        var json = NotebookOutputs.FigureJson(FigureOutput(0.25));
        Assert.NotNull(json);
        Assert.Equal(JsonNode.Parse(Figure(0.25).ToJson())!.ToJsonString(), JsonNode.Parse(json)!.ToJsonString());
        Assert.Null(NotebookOutputs.FigureJson(Display("a table", "<table><tr><td>1</td></tr></table>")));
        Assert.Null(NotebookOutputs.FigureJson(Stream("text")));
    }

    [Fact]
    public void Every_figure_gets_one_png_copy_after_it_and_adding_again_replaces_them()
    {
        var notebook = Notebook(Markdown("m"), Code("c1", Stream("hello\n"), FigureOutput(0.25), Display("42")), Code("c2", FigureOutput(0.5)));
        var rendered = new List<string>();
        byte[] Render(string figure) { rendered.Add(figure); return [0x89, 0x50, 0x4E, 0x47, (byte)rendered.Count]; }

        Assert.Equal(2, NotebookOutputs.AddFigurePngs(notebook, Render));
        var outputs = notebook["cells"]![1]!["outputs"]!.AsArray().Select(o => o!.AsObject()).ToList();
        Assert.Equal(4, outputs.Count);
        Assert.True(NotebookOutputs.IsPngCopy(outputs[2]));
        Assert.Equal(Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 1]), outputs[2]["data"]!["image/png"]!.GetValue<string>());
        Assert.StartsWith("Plotly figure: F1 by share", outputs[2]["data"]!["text/plain"]!.GetValue<string>());
        Assert.Equal("42", NotebookOutputs.Text(outputs[3], "text/plain"));
        Assert.Contains("0.5", rendered[1]);

        Assert.True(NotebookRunnerProcess.Schema.Validate(System.Text.Json.JsonDocument.Parse(NotebookOutputs.Write(notebook)).RootElement) is var errors && errors.Count == 0,
            string.Join("\n", errors));

        Assert.Equal(2, NotebookOutputs.AddFigurePngs(notebook, Render));
        Assert.Equal(4, notebook["cells"]![1]!["outputs"]!.AsArray().Count);
        Assert.Equal(2, notebook["cells"]![2]!["outputs"]!.AsArray().Count);
    }

    [Fact]
    public void Merging_outputs_changes_nothing_but_outputs_and_writing_keeps_the_committed_notebooks_byte_for_byte()
    {
        var source = Notebook(Markdown("m"), Code("c1"), Code("c2"));
        var executed = Notebook(Markdown("x"), Code("other-id", Stream("out\n")), Code("y", Display("1")));
        executed["cells"]![1]!["execution_count"] = 1;
        var merged = NotebookOutputs.Merge(source, executed, "n.ipynb");
        Assert.Equal("c1", merged["cells"]![1]!["id"]!.GetValue<string>());
        Assert.Equal(1, merged["cells"]![1]!["execution_count"]!.GetValue<int>());
        Assert.Equal("out\n", NotebookOutputs.Text(new JsonObject { ["data"] = new JsonObject { ["t"] = merged["cells"]![1]!["outputs"]![0]!["text"]!.DeepClone() } }, "t"));
        Assert.Equal(NotebookOutputs.Write(source), NotebookOutputs.Write(NotebookOutputs.Cleared(merged)));
        Assert.Throws<InvalidOperationException>(() => NotebookOutputs.Merge(source, Notebook(Markdown("m")), "n.ipynb"));

        foreach (var path in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "notebooks"), "*.ipynb"))
        {
            var text = File.ReadAllText(path);
            Assert.Equal(text, NotebookOutputs.Write(JsonNode.Parse(text)!.AsObject()));
        }
    }

    [Fact]
    public void The_check_ignores_ids_timings_paths_and_png_bytes()
    {
        var committed = Notebook(Markdown("m"),
            Code("c1", Stream("sweep finished in 41 s; 12.5 img/s at 2026-12-07T09:58:01.123+00:00 in /home/a/repo/notebooks/out/quick\n"),
                Stream("embedded dataset: /root/.cache/ssl-anomaly/embedded/synth-v1\n"),
                Stream("supervised-resnet18-r16: completed in 12.5 s; F1 on the natural test split 0.384\nnumerics: 34 op shapes, 5 checked now in 3 s\n")),
            Code("c2", FigureOutput(0.25)), Code("c3", Display("0.659218", type: "execute_result")));
        var produced = Notebook(Markdown("m"),
            Code("c1", Stream("sweep finished in 7.5 s; 30.1 img/s at 2026-12-08T10:00:00Z in /work/other/notebooks/out/quick\n"),
                Stream("embedded dataset: /home/runner/.cache/ssl-anomaly/embedded/synth-v1\n"),
                Stream("supervised-resnet18-r16: reused (finished earlier)\nnumerics: 34 op shapes, 0 checked now in 0 s\n")),
            Code("c2", FigureOutput(0.25)), Code("c3", Display("0.659218")));
        NotebookOutputs.AddFigurePngs(committed, _ => [1, 2, 3]);
        NotebookOutputs.AddFigurePngs(produced, _ => [4, 5, 6, 7]);
        // The second figure's element id is new and it does not carry plotly.js (the first in a process does): both ignored.
        Assert.NotEqual(NotebookOutputs.Text(committed["cells"]![2]!["outputs"]![0]!.AsObject(), "text/html"),
                        NotebookOutputs.Text(produced["cells"]![2]!["outputs"]![0]!.AsObject(), "text/html"));
        // The checkout's path counts only where the checkout is named.
        Assert.Equal([2], OutputComparison.Compare(committed, produced).Select(d => d.Cell));
        Assert.Empty(OutputComparison.Compare(Replace(committed, "/home/a/repo", "/work/other"), produced, repositoryRoot: "/work/other"));
    }

    [Fact]
    public void The_check_names_each_cell_whose_numbers_figures_or_outputs_changed()
    {
        Assert.NotEqual(OutputComparison.Volatile("numerics: 34 op shapes"), OutputComparison.Volatile("numerics: 35 op shapes"));
        Assert.NotEqual(OutputComparison.Volatile("r16: failed in 2 s (non-finite loss)"), OutputComparison.Volatile("r16: reused (finished earlier)"));
        var committed = Notebook(Markdown("m"), Code("c1", Display("F1 0.659218")), Code("c2", FigureOutput(0.25)), Code("c3", Stream("ok\n")), Code("c4"));
        var produced = Notebook(Markdown("m"), Code("c1", Display("F1 0.659219")), Code("c2", FigureOutput(0.26)), Code("c3", Stream("ok\n")), Code("c4", Stream("new\n")));
        var differences = OutputComparison.Compare(committed, produced);
        Assert.Equal([2, 3, 5], differences.Select(d => d.Cell));
        Assert.Equal("c1", differences[0].Id);
        Assert.Contains("committed 'F1 0.659218', now 'F1 0.659219'", differences[0].Describe());
        Assert.Contains("0.25", differences[1].Describe()); // the figure's data, not its PNG
        Assert.Contains("(no outputs)", differences[2].Committed);
        // A notebook without committed outputs differs wherever the code shows something.
        Assert.Equal(4, OutputComparison.Compare(NotebookOutputs.Cleared(produced), produced).Count);
    }

    [Fact]
    public void The_check_leaves_alone_what_describes_the_machine_but_not_whether_it_was_shown()
    {
        static JsonObject Machine(string cpu)
        {
            var report = new SetupReport([new("CPU", cpu, true), new("threads", "2 intra-op", true)]);
            return Display(report.ToText(), report.ToHtml());
        }
        Assert.Equal(SetupReport.MachineMarker, OutputComparison.MachineMarker);
        var zen3 = Notebook(Code("c1", Stream("profile: quick\n"), Machine("AMD EPYC (family 25, model 1)")), Code("c2", Display("F1 0.5")));
        var zen5 = Notebook(Code("c1", Stream("profile: quick\n"), Machine("AMD EPYC 9R45 (family 26, model 2)")), Code("c2", Display("F1 0.5")));
        Assert.Empty(OutputComparison.Compare(zen3, zen5));
        // The same table unmarked is compared like any output; a machine report that is missing, or the text around it, still counts.
        var unmarked = Notebook(Code("c1", Stream("profile: quick\n"), Display("AMD EPYC 9R45", "<table>AMD EPYC 9R45</table>")), Code("c2", Display("F1 0.5")));
        Assert.Equal([1], OutputComparison.Compare(zen3, unmarked).Select(d => d.Cell));
        Assert.Equal([1], OutputComparison.Compare(zen3, Notebook(Code("c1", Stream("profile: quick\n")), Code("c2", Display("F1 0.5")))).Select(d => d.Cell));
        Assert.Equal([1], OutputComparison.Compare(zen3, Notebook(Code("c1", Stream("profile: smoke\n"), Machine("AMD EPYC (family 25, model 1)")), Code("c2", Display("F1 0.5")))).Select(d => d.Cell));
    }

    [Fact]
    public void Committed_figures_link_plotly_js_instead_of_carrying_it_and_still_compare_equal()
    {
        PlotlyDisplay.ResetEmbeddedScript();
        var produced = Notebook(Code("c1", FigureOutput(0.25)), Code("c2", FigureOutput(0.5)));
        var first = NotebookOutputs.Text(produced["cells"]![0]!["outputs"]![0]!.AsObject(), "text/html")!;
        Assert.True(first.Length > 1_000_000, "the first figure of a kernel carries plotly.js");
        var committed = JsonNode.Parse(NotebookOutputs.Write(produced))!.AsObject();

        Assert.Equal(1, NotebookOutputs.LinkPlotlyJs(committed));
        var linked = NotebookOutputs.Text(committed["cells"]![0]!["outputs"]![0]!.AsObject(), "text/html")!;
        Assert.True(linked.Length < 20_000, $"still {linked.Length} characters");
        Assert.Contains($"{PlotlyDisplay.PlotlyScriptMarker}=\"", linked);
        Assert.Contains("https://cdn.plot.ly/plotly-", linked);
        Assert.Equal(PlotlyDisplay.PlotlyScriptMarker, NotebookOutputs.PlotlyScriptMarker);
        // The figure itself is untouched: its data, its PNG copy, and the check against what the kernel produces.
        Assert.Equal(NotebookOutputs.FigureJson(produced["cells"]![0]!["outputs"]![0]!.AsObject()), NotebookOutputs.FigureJson(committed["cells"]![0]!["outputs"]![0]!.AsObject()));
        Assert.Equal(2, NotebookOutputs.AddFigurePngs(committed, _ => [1]));
        NotebookOutputs.AddFigurePngs(produced, _ => [2]);
        Assert.Empty(OutputComparison.Compare(committed, produced));
        Assert.Equal(0, NotebookOutputs.LinkPlotlyJs(committed));
    }

    static JsonObject Replace(JsonObject notebook, string from, string to) => JsonNode.Parse(notebook.ToJsonString().Replace(from, to))!.AsObject();
}
