using NotebookRunner.Execution;
using NotebookRunner.Export;
using Xunit;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>Package versions and target frameworks as NuGet orders them, and the page's markdown.</summary>
public class RunnerBuildingBlocksTests
{
    [Fact]
    public void Package_versions_order_as_nuget_orders_them()
    {
        var sorted = new[] { "1.0.0", "1.0.0-beta.23562.1", "1.0.0-beta.2", "0.9", "1.0.0-alpha", "1.0.0.1", "10.0.0" }
            .Select(v => PackageVersion.TryParse(v)!).Order().Select(v => v.Text);
        Assert.Equal(new[] { "0.9", "1.0.0-alpha", "1.0.0-beta.2", "1.0.0-beta.23562.1", "1.0.0", "1.0.0.1", "10.0.0" }, sorted);
        Assert.Null(PackageVersion.TryParse("latest"));
    }

    [Fact]
    public void The_best_target_framework_is_the_newest_that_runs_here()
    {
        Assert.Equal("net8.0", TargetFrameworks.Best(["netstandard2.0", "net8.0", "net462", "netcoreapp3.1"]));
        Assert.Equal(".NETStandard2.0", TargetFrameworks.Best([".NETFramework4.6.2", ".NETStandard2.0"]));
        Assert.Null(TargetFrameworks.Best(["net48", "net8.0-windows", $"net{Environment.Version.Major + 1}.0"]));
    }

    [Fact]
    public void Markdown_renders_the_constructs_a_notebook_story_uses()
    {
        var html = Markdown.ToHtml("""
            # Title with `code`

            Text with **bold**, *italic*, a [link](https://example.org/a?b=1&c=2) and <angle> brackets.

            - one
            - two

            1. first

            | a | b |
            |---|---|
            | 1 | 2 |

            ```csharp
            var x = a < b;
            ```
            > quoted
            """);
        Assert.Contains("<h1>Title with <code>code</code></h1>", html);
        Assert.Contains("<p>Text with <strong>bold</strong>, <em>italic</em>, a <a href=\"https://example.org/a?b=1&amp;c=2\">link</a> and &lt;angle&gt; brackets.</p>", html);
        Assert.Contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", html);
        Assert.Contains("<ol>\n<li>first</li>\n</ol>", html);
        Assert.Contains("<thead><tr><th>a</th><th>b</th></tr></thead>\n<tbody>\n<tr><td>1</td><td>2</td></tr>", html);
        Assert.Contains("<pre><code class=\"language-csharp\">var x = a &lt; b;</code></pre>", html);
        Assert.Contains("<blockquote><p>quoted</p>\n</blockquote>", html);
    }
}
