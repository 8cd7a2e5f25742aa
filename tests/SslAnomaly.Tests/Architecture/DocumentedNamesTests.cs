using System.Reflection;
using System.Text.RegularExpressions;

namespace SslAnomaly.Tests.Architecture;

/// <summary>
/// Every C# name the docs put in backticks exists: a reader who searches for a type or member the docs name must find it.
/// A name counts when it is PascalCase (a capital, then letters and digits, at least one lower-case letter), alone or
/// followed by member accesses and an optional "()": <c>`Trainer`</c>, <c>`Trainer.Run`</c>, <c>`Curves()`</c>.
/// <c>`Trainer.Run`</c> needs a type Trainer with a member Run (a namespace-qualified type such as <c>`Tensorboard.Event`</c>
/// also counts, and an attribute may drop its "Attribute" suffix as C# does). A bare name is a type, a namespace, a member
/// of a type the same section names (the MethodSpec table lists <c>`Name`</c>, <c>`Kind`</c>, ...), or one of Sewer-ML's
/// CSV column names. Fenced code blocks are examples, not claims, and
/// are skipped; so are spans with anything else in them (paths, commands, keys, generics).
/// </summary>
public class DocumentedNamesTests
{
    static readonly Regex Span = new("`([^`\n]+)`", RegexOptions.Compiled);
    static readonly Regex Name = new(@"^(?<segments>[A-Z][A-Za-z0-9]*(\.[A-Za-z_][A-Za-z0-9_]*)*)(\(\))?$", RegexOptions.Compiled);

    /// <summary>Words the outside world speaks that look like C# names: the columns of Sewer-ML's CSV files.</summary>
    static readonly IReadOnlySet<string> NotCode = new HashSet<string>
    {
        SewerMlCodes.FilenameColumn, SewerMlCodes.DefectColumn, SewerMlCodes.WaterLevelColumn,
    };

    /// <summary>The workbook's assemblies and every assembly they reference (TorchSharp, the BCL's facades, ...).</summary>
    static readonly Lazy<ILookup<string, Type>> Types = new(() =>
    {
        Assembly[] workbook =
        [
            typeof(UserInputException).Assembly, typeof(global::SslAnomaly.Cli.CliErrors).Assembly, typeof(global::SslAnomaly.Notebooks.MarkdownText).Assembly,
            typeof(global::NotebookRunner.Export.Markdown).Assembly, typeof(global::SslAnomaly.Bench.BenchOptions).Assembly, typeof(DocumentedNamesTests).Assembly,
        ];
        var assemblies = workbook.Concat(workbook.SelectMany(a => a.GetReferencedAssemblies()).Select(Assembly.Load)).Distinct();
        return assemblies.SelectMany(Loadable).ToLookup(t => SimpleName(t.Name));
    });

    /// <summary>Every namespace those assemblies declare.</summary>
    static readonly Lazy<IReadOnlySet<string>> Namespaces = new(() =>
        Types.Value.SelectMany(g => g).Select(t => t.Namespace).OfType<string>().ToHashSet());

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_type_and_member_the_document_names_exists(string document)
    {
        var missing = new List<string>();
        foreach (var (heading, names) in Sections(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", document))))
        {
            var sectionTypes = names.SelectMany(n => Resolve(n.Split('.')) is { } r ? r.Types : []).ToList();
            foreach (var name in names.Distinct())
                if (!Exists(name.Split('.'), sectionTypes)) missing.Add($"`{name}` (section \"{heading}\")");
        }
        Assert.True(missing.Count == 0, $"docs/{document} names what the code does not have:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void The_rule_refuses_what_does_not_exist_and_reads_sections_and_code_blocks()
    {
        Assert.True(Exists(["Trainer", "Run"], []));
        Assert.True(Exists(["Tensorboard", "Event"], []));
        Assert.False(Exists(["Trainer", "Walk"], []));
        Assert.False(Exists(["NoSuchTypeAnywhere"], []));
        Assert.False(Exists(["PaperName"], []));
        Assert.True(Exists(["Data", "Synthetic"], []));
        Assert.True(Exists(["Fact"], []));
        Assert.False(Exists(["Data", "Nowhere"], []));
        Assert.True(Exists(["PaperName"], Resolve(["MethodSpec"])!.Value.Types));
        var sections = Sections("# A\n`Trainer.Run` and `ssl-anomaly run`\n```\n`Missing`\n```\n## B\n`Name` `List<int>` `Optim/Lars.cs`\n");
        Assert.Equal(["(top): ", "A: Trainer.Run", "B: Name"], sections.Select(s => $"{s.Heading}: {string.Join(", ", s.Names)}"));
    }

    /// <summary>The candidate names of each section (text under one heading), outside fenced code blocks.</summary>
    static List<(string Heading, List<string> Names)> Sections(string markdown)
    {
        var sections = new List<(string Heading, List<string> Names)> { ("(top)", []) };
        bool fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (fenced) continue;
            if (line.StartsWith('#')) sections.Add((line.TrimStart('#').Trim(), []));
            foreach (Match span in Span.Matches(line))
                if (Name.Match(span.Groups[1].Value) is { Success: true } name && name.Groups["segments"].Value.Any(char.IsLower))
                    sections[^1].Names.Add(name.Groups["segments"].Value);
        }
        return sections;
    }

    static bool Exists(string[] segments, IReadOnlyList<Type> sectionTypes)
    {
        string dotted = string.Join('.', segments);
        if (Namespaces.Value.Any(ns => ns == dotted || ns.EndsWith("." + dotted, StringComparison.Ordinal))) return true;
        if (Resolve(segments) is { } resolved) return resolved.Members.Length == 0 || resolved.Types.Any(t => HasPath(t, resolved.Members));
        return segments.Length == 1 && (NotCode.Contains(segments[0]) || sectionTypes.Any(t => HasPath(t, segments)));
    }

    /// <summary>The longest prefix that names types (by simple name, or namespace-qualified), and the member path after it.</summary>
    static (IReadOnlyList<Type> Types, string[] Members)? Resolve(string[] segments)
    {
        for (int take = segments.Length; take >= 1; take--)
        {
            var types = take == 1
                ? Types.Value[segments[0]].Concat(Types.Value[segments[0] + "Attribute"].Where(t => t.IsSubclassOf(typeof(Attribute)))).ToList()
                : Types.Value[segments[take - 1]].Where(t => t.FullName?.Replace('+', '.') is { } full && full.EndsWith(string.Join('.', segments[..take]), StringComparison.Ordinal)).ToList();
            if (types.Count > 0) return (types, segments[take..]);
        }
        return null;
    }

    static bool HasPath(Type type, string[] members)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        if (members.Length == 0) return true;
        var found = type.GetMember(members[0], all);
        if (found.Length == 0) return false;
        return members.Length == 1 || found.Any(m => MemberType(m) is { } next && HasPath(next, members[1..]));
    }

    static Type? MemberType(MemberInfo member) => member switch
    {
        Type nested => nested,
        PropertyInfo p => p.PropertyType,
        FieldInfo f => f.FieldType,
        MethodInfo m => m.ReturnType,
        _ => null,
    };

    static string SimpleName(string name) => name.IndexOf('`') is var tick and >= 0 ? name[..tick] : name;

    /// <summary>An assembly's types and those it forwards (the BCL's reference facades hold nothing else).</summary>
    static IEnumerable<Type> Loadable(Assembly assembly)
    {
        try { return assembly.GetTypes().Concat(assembly.GetForwardedTypes()); }
        catch (ReflectionTypeLoadException partial) { return partial.Types.OfType<Type>(); }
    }
}
