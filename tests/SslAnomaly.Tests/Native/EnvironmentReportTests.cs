using System.Diagnostics;
using SslAnomaly.Native;

namespace SslAnomaly.Tests.Native;

public class EnvironmentReportTests
{
    /// <summary>The folder holding NotebookSupport.sln above the test assembly (the checkout the tests were built from).</summary>
    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotebookSupport.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no NotebookSupport.sln above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void Code_commit_is_the_checkout_the_library_was_built_from()
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-C", RepositoryRoot(), "rev-parse", "HEAD" }) info.ArgumentList.Add(a);
        using var git = Process.Start(info)!;
        var head = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        // Outside a git checkout (a source tarball) the SDK stamps no commit, and the report says so.
        Assert.Equal(git.ExitCode == 0 ? head : "unknown", EnvironmentReport.CodeCommit);
    }
}
