using NotebookRunner.Export;

namespace SslAnomaly.Tests.Notebooks;

/// <summary>The markdown of a notebook's story as its HTML page shows it (NotebookRunnerTests checks a whole page).</summary>
public class MarkdownExportTests
{
    [Fact]
    public void A_story_renders_headings_tables_lists_and_links()
    {
        string html = Markdown.ToHtml("""
            # Runner sample

            Some *emphasis*, **strong** text and a [link](https://example.org/a?b=1&c=2).

            | setting | defects |
            |---|---:|
            | strong imbalance | 1 % |

            - one
            - two

            > quoted
            """);
        TextAssert.ContainsAll(html,
            "<h1>Runner sample</h1>",
            "<em>emphasis</em>",
            "<strong>strong</strong>",
            "<a href=\"https://example.org/a?b=1&amp;c=2\">link</a>",
            "<td>strong imbalance</td>",
            "<td style=\"text-align: right;\">1 %</td>",
            "<li>two</li>",
            "<blockquote>");
    }

    [Fact]
    public void Code_and_text_are_escaped_and_a_fence_keeps_its_language()
    {
        string html = Markdown.ToHtml("Where `a < b` holds, 1 < 2 & 3 > 2.\n\n```csharp\nvar x = a<b> && c;\n```\n");
        Assert.Contains("<code>a &lt; b</code>", html);
        Assert.Contains("1 &lt; 2 &amp; 3 &gt; 2", html);
        Assert.Contains("<pre><code class=\"language-csharp\">var x = a&lt;b&gt; &amp;&amp; c;\n</code></pre>", html);
    }
}
