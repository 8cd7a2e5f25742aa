namespace SslAnomaly.Tests.Support;

/// <summary>The checkout the tests were built from (the folder holding NotebookSupport.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>The .ipynb notebooks in notebooks/ (file names, ordinal order) as theory data: the source of truth, the .dib are twins.</summary>
    public static Xunit.TheoryData<string> Notebooks()
    {
        var data = new Xunit.TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(Path, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(System.IO.Path.GetFileName(file));
        return data;
    }

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "NotebookSupport.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no NotebookSupport.sln above {AppContext.BaseDirectory}");
    }
}
