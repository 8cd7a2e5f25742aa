namespace SslAnomaly.Tests.Support;

/// <summary>Assertions on text the workbook writes (markdown, HTML, sentences) for a reader.</summary>
public static class TextAssert
{
    /// <summary>Every fragment occurs in <paramref name="text"/>; each is checked on its own, so a failure names the fragment missing.</summary>
    public static void ContainsAll(string text, params string[] fragments)
    {
        foreach (var fragment in fragments) Assert.Contains(fragment, text);
    }
}
