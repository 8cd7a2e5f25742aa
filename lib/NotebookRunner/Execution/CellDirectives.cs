using System.Text.RegularExpressions;

namespace NotebookRunner.Execution;

/// <summary>A line of a C# cell that the kernel handles itself rather than the compiler.</summary>
public abstract record Directive(int Line);
/// <summary><c>#r "path.dll"</c> or <c>#r "nuget: Id, Version"</c>.</summary>
public sealed record ReferenceDirective(int Line, string Target) : Directive(Line);
/// <summary><c>#i "nuget: source"</c>: another place to find packages.</summary>
public sealed record SourceDirective(int Line, string Target) : Directive(Line);
/// <summary><c>#load "file.csx"</c>: run a script file first.</summary>
public sealed record LoadDirective(int Line, string Path) : Directive(Line);
/// <summary><c>#!name args</c>: a magic command such as <c>#!time</c>.</summary>
public sealed record MagicDirective(int Line, string Name, string Arguments) : Directive(Line);

/// <summary>
/// Splits a C# cell into its directives and the code for the compiler. Directive lines are blanked rather
/// than removed, so compiler messages keep the cell's own line numbers.
/// </summary>
public static partial class CellDirectives
{
    public sealed record Parsed(IReadOnlyList<Directive> Directives, string Code);

    public static Parsed Parse(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var directives = new List<Directive>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            Directive? directive = null;
            if (Quoted().Match(line) is { Success: true } q)
            {
                int n = i + 1;
                string arg = q.Groups["arg"].Value;
                directive = q.Groups["kind"].Value switch
                {
                    "r" => new ReferenceDirective(n, arg),
                    "i" => new SourceDirective(n, arg),
                    _ => new LoadDirective(n, arg),
                };
            }
            else if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                var parts = line[2..].Split(' ', 2, StringSplitOptions.TrimEntries);
                directive = new MagicDirective(i + 1, parts[0], parts.Length > 1 ? parts[1] : "");
            }
            if (directive is null) continue;
            directives.Add(directive);
            lines[i] = "";
        }
        return new Parsed(directives, string.Join("\n", lines));
    }

    [GeneratedRegex("""^#(?<kind>r|i|load)\s+"(?<arg>[^"]*)"\s*(//.*)?$""")]
    private static partial Regex Quoted();
}
