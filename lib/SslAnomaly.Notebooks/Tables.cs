using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Data.Analysis;

namespace SslAnomaly.Notebooks;

/// <summary>
/// Turns data frames and sequences of records (C# records and anonymous types) into <see cref="TextTable"/>s:
/// one column per public property, at most <see cref="MaxRows"/> rows shown.
/// </summary>
public static class Tables
{
    /// <summary>Rows shown before the table is cut (the rest is counted, not shown).</summary>
    public static int MaxRows { get; set; } = 100;
    const int MaxCellChars = 80;

    public static TextTable FromDataFrame(DataFrame frame)
    {
        var headers = frame.Columns.Select(c => c.Name).ToList();
        long total = frame.Rows.Count;
        var rows = new List<IReadOnlyList<string>>();
        for (long i = 0; i < Math.Min(total, MaxRows); i++)
            rows.Add(frame.Columns.Select(c => HtmlText.Truncate(HtmlText.Cell(c[i]), MaxCellChars)).ToList());
        return new TextTable(headers, rows, (int)Math.Min(total, int.MaxValue));
    }

    /// <summary>A table of the records in <paramref name="items"/>, or null when they are not records.</summary>
    public static TextTable? TryFromRecords(IEnumerable items)
    {
        var elementType = ElementType(items);
        if (elementType is null || !IsRecordLike(elementType)) return null;
        var properties = elementType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").ToList();
        if (properties.Count == 0) return null;
        var rows = new List<IReadOnlyList<string>>();
        int total = 0;
        foreach (var item in items)
        {
            if (total++ >= MaxRows) continue;
            rows.Add(properties.Select(p => item is null ? "" : HtmlText.Truncate(Nested(p.GetValue(item)), MaxCellChars)).ToList());
        }
        return new TextTable(properties.Select(p => p.Name).ToList(), rows, total);
    }

    /// <summary>C# records (class or struct: they have a compiler-made PrintMembers) and anonymous types.</summary>
    public static bool IsRecordLike(Type type)
    {
        if (type.IsPrimitive || type == typeof(string) || type.IsEnum) return false;
        bool anonymous = type.IsDefined(typeof(CompilerGeneratedAttribute), false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal);
        bool record = type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance, [typeof(System.Text.StringBuilder)]) is not null;
        return anonymous || record;
    }

    /// <summary>The T of IEnumerable&lt;T&gt; (most derived), else the type of the first non-null item.</summary>
    static Type? ElementType(IEnumerable items)
    {
        var generic = items.GetType().GetInterfaces().Append(items.GetType())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .Select(i => i.GetGenericArguments()[0]).FirstOrDefault(t => t != typeof(object));
        return generic ?? items.Cast<object?>().FirstOrDefault(o => o is not null)?.GetType();
    }

    /// <summary>A nested value in one line: sequences as a count plus their first items.</summary>
    static string Nested(object? value) => value switch
    {
        null => "",
        string s => s,
        IDictionary d => $"{{{d.Count} entries}}",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Take(5).Select(HtmlText.Cell)) + (e.Cast<object?>().Skip(5).Any() ? ", …]" : "]"),
        _ => HtmlText.Cell(value),
    };
}
