using NotebookRunner.Documents;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>
/// Every notebook has a .dib twin, and the twin is exactly what <c>NotebookRunner dib</c> writes from the .ipynb (the
/// source of truth), so a change to one notebook cannot leave its twin behind.
/// </summary>
public class DibTwinTests
{
    [Theory]
    [MemberData(nameof(RepositoryRoot.Notebooks), MemberType = typeof(RepositoryRoot))]
    public void The_dib_twin_holds_the_same_cells_as_the_ipynb(string name)
    {
        var ipynb = Path.Combine(RepositoryRoot.Path, "notebooks", name);
        var dib = Path.ChangeExtension(ipynb, ".dib");
        Assert.True(File.Exists(dib), $"{Path.GetFileName(dib)} is missing; write it with: dotnet run --project lib/NotebookRunner -- dib notebooks/{name}");
        Assert.True(DibWriter.Write(Notebook.Load(ipynb)) == File.ReadAllText(dib).Replace("\r\n", "\n"),
            $"{Path.GetFileName(dib)} differs from {name}; rewrite it with: dotnet run --project lib/NotebookRunner -- dib notebooks/{name}");
    }
}
