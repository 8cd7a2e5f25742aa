namespace SslAnomaly.Tests.Support;

/// <summary>The checkout the tests were built from (the folder holding NotebookSupport.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "NotebookSupport.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no NotebookSupport.sln above {AppContext.BaseDirectory}");
    }
}
