using System.Text.Json;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>
/// The notebooks carry the metadata Polyglot Notebooks writes, which the Jupyter kernelspec route reads as well: the
/// `.net-csharp` kernelspec (what `dotnet interactive jupyter install` registers), the Polyglot kernel info, and a
/// kernel name on every code cell; nbformat 4.5 with a unique id per cell.
/// </summary>
public class NotebookMetadataTests
{
    [Theory]
    [MemberData(nameof(RepositoryRoot.Notebooks), MemberType = typeof(RepositoryRoot))]
    public void The_notebook_names_the_net_csharp_kernel_the_way_the_tools_write_it(string name)
    {
        var nb = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "notebooks", name))).RootElement;
        Assert.Equal((4, 5), (nb.GetProperty("nbformat").GetInt32(), nb.GetProperty("nbformat_minor").GetInt32()));
        var metadata = nb.GetProperty("metadata");
        var kernelspec = metadata.GetProperty("kernelspec");
        Assert.Equal((".net-csharp", ".NET (C#)", "C#"),
            (kernelspec.GetProperty("name").GetString(), kernelspec.GetProperty("display_name").GetString(), kernelspec.GetProperty("language").GetString()));
        Assert.Equal("csharp", metadata.GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());
        var cells = nb.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(cells.Count, cells.Select(c => c.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(cells.Where(c => c.GetProperty("cell_type").GetString() == "code"), c =>
            Assert.Equal("csharp", c.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString()));
    }
}
