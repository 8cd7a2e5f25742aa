using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookRunner.Documents;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>Reading .dib/.ipynb (outputs included), writing .dib, and the nbformat 4.5 schema check the notebook tests rely on.</summary>
public class NotebookDocumentTests
{
    [Fact]
    public void Dib_cells_split_on_kernel_headers_only_and_magics_stay_in_their_cell()
    {
        var nb = DibReader.Read("#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\",\"items\":[{\"name\":\"csharp\",\"aliases\":[\"cs\"]}]}}\n\n" +
                                "#!markdown\n\n# Title\n\n#!c#\n\n#!time\nvar x = 1;\n\n\n#!cs\n\nx\n\n#!html\n\n<b>hi</b>\n");
        Assert.Equal(new[] { CellKind.Markdown, CellKind.Code, CellKind.Code, CellKind.Code }, nb.Cells.Select(c => c.Kind));
        Assert.Equal(new[] { "markdown", "csharp", "csharp", "html" }, nb.Cells.Select(c => c.Kernel));
        Assert.Equal("#!time\nvar x = 1;", nb.Cells[1].Source);
        Assert.Equal("x", nb.Cells[2].Source);
        Assert.Equal("csharp", nb.Metadata["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
    }

    [Fact]
    public void Dib_text_before_the_first_cell_header_is_an_error()
    {
        var e = Assert.Throws<NotebookFormatException>(() => DibReader.Read("Console.WriteLine(1);\n#!csharp\nx"));
        Assert.Contains("before the first cell header", e.Message);
    }

    [Fact]
    public void Ipynb_cells_take_their_kernel_from_polyglot_or_older_dotnet_interactive_metadata()
    {
        var json = """
            {"nbformat": 4, "nbformat_minor": 4, "metadata": {},
             "cells": [
               {"cell_type": "code", "metadata": {"dotnet_interactive": {"language": "fsharp"}}, "source": ["let x = 1\n", "x"], "outputs": [], "execution_count": 3},
               {"cell_type": "code", "metadata": {}, "source": "1 + 1", "outputs": [], "execution_count": null},
               {"cell_type": "markdown", "metadata": {}, "source": "# hi"}]}
            """;
        var nb = IpynbReader.Read(json, "test.ipynb");
        Assert.Equal(new[] { "fsharp", "csharp", "markdown" }, nb.Cells.Select(c => c.Kernel));
        Assert.Equal("let x = 1\nx", nb.Cells[0].Source);
        Assert.Throws<NotebookFormatException>(() => IpynbReader.Read("{\"nbformat\": 3, \"cells\": []}", "old.ipynb"));
    }

    [Fact]
    public void A_malformed_notebook_file_is_a_format_error_naming_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.ipynb"), "{\"nbformat\": 4, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\", \"source\": 42}]}");
        var e = Assert.Throws<NotebookFormatException>(() => Notebook.Load(dir.File("bad.ipynb")));
        Assert.StartsWith(dir.File("bad.ipynb"), e.Message);
        File.WriteAllText(dir.File("notes.txt"), "");
        Assert.Throws<NotebookFormatException>(() => Notebook.Load(dir.File("notes.txt")));
    }

    [Fact]
    public void The_schema_validator_rejects_what_nbformat_4_5_forbids()
    {
        var valid = JsonNode.Parse("""
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
             "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "1", "outputs": [], "execution_count": null}]}
            """)!;
        Assert.Empty(NotebookRunnerProcess.Schema.Validate(JsonSerializer.SerializeToElement(valid)));

        var noId = valid.DeepClone();
        noId["cells"]![0]!.AsObject().Remove("id");
        Assert.Contains(NotebookRunnerProcess.Schema.Validate(JsonSerializer.SerializeToElement(noId)), e => e.Contains("oneOf"));

        var badOutput = valid.DeepClone();
        badOutput["cells"]![0]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout" });
        Assert.NotEmpty(NotebookRunnerProcess.Schema.Validate(JsonSerializer.SerializeToElement(badOutput)));

        var wrongMinor = valid.DeepClone();
        wrongMinor["nbformat"] = 3;
        Assert.Contains(NotebookRunnerProcess.Schema.Validate(JsonSerializer.SerializeToElement(wrongMinor)), e => e.StartsWith("$.nbformat"));

        Assert.Throws<NotSupportedException>(() => new JsonSchemaValidator(JsonDocument.Parse("{\"type\":\"object\",\"propertyNames\":{}}").RootElement));
    }

    [Fact]
    public void Executed_outputs_are_read_back_for_the_html_page()
    {
        var nb = IpynbReader.Read("""
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
             "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "1", "execution_count": 1,
               "outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]},
                           {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": ["1"]}},
                           {"output_type": "error", "ename": "E", "evalue": "bad", "traceback": ["line 1"]}]}]}
            """, "x.ipynb");
        var outputs = nb.Cells[0].Outputs;
        Assert.Equal("hi\n", Assert.IsType<StreamOutput>(outputs[0]).Text.ToString());
        Assert.Equal("1", Assert.IsType<DisplayOutput>(outputs[1]).Data["text/plain"]);
        Assert.Equal(("E", "bad"), (Assert.IsType<ErrorOutput>(outputs[2]).EName, ((ErrorOutput)outputs[2]).EValue));
        Assert.Equal(1, nb.Cells[0].ExecutionCount);
    }

    [Fact]
    public void A_written_dib_reads_back_into_the_same_cells()
    {
        var json = """
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
             "cells": [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# Title\n", "\n", "text"]},
                       {"cell_type": "code", "id": "c", "metadata": {}, "source": ["#!time\n", "var x = 1;\n", "\n", "x"], "outputs": [], "execution_count": null}]}
            """;
        var source = IpynbReader.Read(json, "x.ipynb");
        var dib = DibWriter.Write(source);
        Assert.StartsWith("#!meta\n\n{\"kernelInfo\":{\"defaultKernelName\":\"csharp\"", dib);
        Assert.Contains("#!markdown\n\n# Title\n\ntext\n\n#!csharp\n\n#!time\nvar x = 1;\n\nx\n", dib);
        var back = DibReader.Read(dib);
        Assert.Equal(source.Cells.Select(c => (c.Kind, c.Kernel, c.Source)), back.Cells.Select(c => (c.Kind, c.Kernel, c.Source)));
    }

    [Fact]
    public void Cell_ids_that_the_kernel_drops_come_back_from_the_source_and_stay_unique()
    {
        var executed = JsonNode.Parse("""{"cells": [{"cell_type": "markdown", "source": "a"}, {"cell_type": "code", "source": "b"}, {"cell_type": "code", "source": "c"}]}""")!.AsObject();
        NotebookRunner.Kernel.CellIds.Restore(executed, ["intro", "intro", null]);
        var cells = executed["cells"]!.AsArray();
        Assert.Equal(new[] { "intro", "cell-2", "cell-3" }, cells.Select(c => c!["id"]!.GetValue<string>()));
        Assert.Equal(new[] { "cell_type", "id", "source" }, cells[0]!.AsObject().Select(p => p.Key));
    }
}
