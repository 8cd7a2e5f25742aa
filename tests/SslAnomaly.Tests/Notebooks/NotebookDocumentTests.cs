using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookRunner.Documents;
using NotebookRunner.Execution;
using SslAnomaly.Tests.Support;
using Xunit;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>Reading .dib/.ipynb, parsing cell directives, and writing nbformat 4.5 that the schema accepts.</summary>
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
    public void Directive_lines_are_blanked_so_compiler_positions_stay_those_of_the_cell()
    {
        var parsed = CellDirectives.Parse("#r \"a/b.dll\"\n#r \"nuget: Foo, 1.2.3\"\n#i \"nuget: ../feed\"\n#!time\n#load \"x.csx\" // helper\n#region not a directive\nvar y = 2;");
        Assert.Equal(
            new Directive[] { new ReferenceDirective(1, "a/b.dll"), new ReferenceDirective(2, "nuget: Foo, 1.2.3"), new SourceDirective(3, "nuget: ../feed"), new MagicDirective(4, "time", ""), new LoadDirective(5, "x.csx") },
            parsed.Directives);
        Assert.Equal("\n\n\n\n\n#region not a directive\nvar y = 2;", parsed.Code);
    }

    [Fact]
    public void Written_notebooks_with_every_output_kind_are_valid_nbformat_4_5()
    {
        var code = new NotebookCell(CellKind.Code, "display(1);\nx", "csharp", "bad id with spaces");
        var stream = new StreamOutput("stdout");
        stream.Text.Append("line 1\nline 2\n");
        code.Outputs.AddRange([stream, new DisplayOutput(new Dictionary<string, string> { ["text/html"] = "<b>1</b>", ["text/plain"] = "1" }),
            new DisplayOutput(new Dictionary<string, string> { ["text/plain"] = "2", ["application/json"] = "{\"a\":1}" }, executionCount: 1),
            new ErrorOutput("System.Exception", "boom", ["Cell 2 failed", "at Submission#0"])]);
        code.ExecutionCount = 1;
        var nb = new Notebook([new NotebookCell(CellKind.Markdown, "# T", "markdown", "intro"), code, new NotebookCell(CellKind.Code, "later", "csharp", "intro")], new JsonObject());
        var written = JsonDocument.Parse(IpynbWriter.Write(nb)).RootElement;

        var errors = NotebookRunnerProcess.Schema.Validate(written);
        Assert.True(errors.Count == 0, JsonSchemaValidator.Describe(errors));
        var cells = written.GetProperty("cells");
        // Ids that break the nbformat pattern, or repeat, are replaced; valid ones are kept.
        Assert.Equal(new[] { "intro", "cell-2", "cell-3" }, cells.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(new[] { "line 1\n", "line 2\n" }, cells[1].GetProperty("outputs")[0].GetProperty("text").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(1, cells[1].GetProperty("outputs")[2].GetProperty("data").GetProperty("application/json").GetProperty("a").GetInt32());
        Assert.Equal(JsonValueKind.Null, cells[2].GetProperty("execution_count").ValueKind);
    }

    [Fact]
    public void The_schema_validator_rejects_what_nbformat_4_5_forbids()
    {
        var valid = JsonNode.Parse(IpynbWriter.Write(new Notebook([new NotebookCell(CellKind.Code, "1", "csharp", "a")], new JsonObject())))!;
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
}
