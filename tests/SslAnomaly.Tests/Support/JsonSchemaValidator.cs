using System.Text.Json;
using System.Text.RegularExpressions;

namespace SslAnomaly.Tests.Support;

/// <summary>
/// A focused JSON Schema (draft-04) validator: exactly the keywords the nbformat schema uses, with the
/// draft's semantics ($ref replaces its siblings; minimum/maximum inclusive). A schema with any other keyword
/// is refused, so nothing is skipped silently.
/// <para>Not JsonSchema.Net 8.0.5 (the version the mirror serves), tried on this schema: it implements draft 6
/// onwards, not draft 4, and it throws KeyNotFoundException on any patternProperties name that holds a '/'
/// (it looks the pattern up JSON-Pointer-escaped), which nbformat's mime bundles have (^application/(.*\+)?json$),
/// so it cannot validate a notebook with an output. docs/architecture.md, "Own code where a library exists".</para>
/// </summary>
public sealed class JsonSchemaValidator
{
    static readonly HashSet<string> Keywords =
    [
        "$schema", "$ref", "definitions", "description", "title", "default", "type", "properties", "additionalProperties",
        "patternProperties", "required", "items", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern",
        "oneOf", "anyOf", "allOf", "not", "uniqueItems",
    ];
    /// <summary>Keywords whose value is a map from names to schemas.</summary>
    static readonly HashSet<string> SchemaMaps = ["properties", "patternProperties"];

    readonly JsonElement root;

    /// <param name="schema">the schema document</param>
    /// <param name="ignore">names in the schema that are not keywords and that JSON Schema says to ignore, listed
    /// deliberately (every other unknown name is refused)</param>
    public JsonSchemaValidator(JsonElement schema, params string[] ignore)
    {
        root = schema;
        var unknown = new SortedSet<string>();
        CollectUnknown(schema, unknown);
        unknown.ExceptWith(ignore);
        if (unknown.Count > 0) throw new NotSupportedException($"schema uses keywords this validator does not implement: {string.Join(", ", unknown)}");
    }

    /// <summary>Every violation as "path: message"; empty when the instance is valid.</summary>
    public IReadOnlyList<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.ValueKind == JsonValueKind.False) { errors.Add($"{path}: no value is allowed here"); return; }
        if (schema.TryGetProperty("$ref", out var reference)) { Check(Resolve(reference.GetString()!), value, path, errors); return; }

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(type, value))
        {
            errors.Add($"{path}: expected {type.GetRawText()}, found {value.ValueKind}");
            return;
        }
        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => JsonElement.DeepEquals(o, value)))
            errors.Add($"{path}: {value.GetRawText()} is not one of {options.GetRawText()}");
        switch (value.ValueKind)
        {
            case JsonValueKind.Object: CheckObject(schema, value, path, errors); break;
            case JsonValueKind.Array: CheckArray(schema, value, path, errors); break;
            case JsonValueKind.String: CheckString(schema, value.GetString()!, path, errors); break;
            case JsonValueKind.Number:
                if (schema.TryGetProperty("minimum", out var min) && value.GetDouble() < min.GetDouble()) errors.Add($"{path}: {value} < minimum {min}");
                if (schema.TryGetProperty("maximum", out var max) && value.GetDouble() > max.GetDouble()) errors.Add($"{path}: {value} > maximum {max}");
                break;
        }
        if (schema.TryGetProperty("allOf", out var allOf))
            foreach (var s in allOf.EnumerateArray()) Check(s, value, path, errors);
        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(s => Errors(s, value, path).Count == 0))
            errors.Add($"{path}: matches none of anyOf");
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var results = oneOf.EnumerateArray().Select(s => Errors(s, value, path)).ToList();
            int matches = results.Count(r => r.Count == 0);
            if (matches != 1)
                errors.Add($"{path}: matches {matches} of {results.Count} oneOf alternatives" +
                           (matches == 0 ? $" (closest fails with: {string.Join("; ", results.OrderBy(r => r.Count).First())})" : ""));
        }
        if (schema.TryGetProperty("not", out var not) && Errors(not, value, path).Count == 0)
            errors.Add($"{path}: matches a schema it must not match ({not.GetRawText()})");
    }

    void CheckObject(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _)) errors.Add($"{path}: required property '{name}' is missing");
        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("patternProperties", out var patterns);
        foreach (var property in value.EnumerateObject())
        {
            string at = $"{path}.{property.Name}";
            bool matched = false;
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                matched = true;
                Check(propertySchema, property.Value, at, errors);
            }
            if (patterns.ValueKind == JsonValueKind.Object)
                foreach (var pattern in patterns.EnumerateObject().Where(p => Regex.IsMatch(property.Name, p.Name)))
                {
                    matched = true;
                    Check(pattern.Value, property.Value, at, errors);
                }
            if (!matched && schema.TryGetProperty("additionalProperties", out var additional))
                Check(additional, property.Value, at, errors);
        }
    }

    void CheckArray(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        var items = value.EnumerateArray().ToList();
        if (schema.TryGetProperty("items", out var itemSchema))
            for (int i = 0; i < items.Count; i++)
            {
                var s = itemSchema.ValueKind == JsonValueKind.Array ? (i < itemSchema.GetArrayLength() ? itemSchema[i] : (JsonElement?)null) : itemSchema;
                if (s is { } each) Check(each, items[i], $"{path}[{i}]", errors);
            }
        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.GetBoolean())
            for (int i = 0; i < items.Count; i++)
                for (int j = i + 1; j < items.Count; j++)
                    if (JsonElement.DeepEquals(items[i], items[j])) errors.Add($"{path}: items {i} and {j} are equal but must be unique");
    }

    static void CheckString(JsonElement schema, string text, string path, List<string> errors)
    {
        int length = text.EnumerateRunes().Count(); // JSON Schema counts code points
        if (schema.TryGetProperty("minLength", out var min) && length < min.GetInt32()) errors.Add($"{path}: shorter than {min}");
        if (schema.TryGetProperty("maxLength", out var max) && length > max.GetInt32()) errors.Add($"{path}: longer than {max}");
        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!))
            errors.Add($"{path}: \"{text}\" does not match {pattern}");
    }

    List<string> Errors(JsonElement schema, JsonElement value, string path)
    {
        var errors = new List<string>();
        Check(schema, value, path, errors);
        return errors;
    }

    JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) throw new NotSupportedException($"only local $ref is supported, not {reference}");
        var node = root;
        foreach (var part in reference[2..].Split('/'))
            node = node.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
        return node;
    }

    static bool TypeMatches(JsonElement type, JsonElement value) =>
        type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => IsType(t.GetString()!, value)) : IsType(type.GetString()!, value);

    static bool IsType(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && Math.Floor(value.GetDouble()) == value.GetDouble(),
        _ => throw new NotSupportedException($"unknown type '{type}'"),
    };

    static void CollectUnknown(JsonElement schema, SortedSet<string> unknown)
    {
        if (schema.ValueKind != JsonValueKind.Object) return;
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Keywords.Contains(keyword.Name)) unknown.Add(keyword.Name);
            if (keyword.Name == "definitions") CollectDefinitions(keyword.Value, unknown);
            else if (SchemaMaps.Contains(keyword.Name))
                foreach (var sub in keyword.Value.EnumerateObject()) CollectUnknown(sub.Value, unknown);
            else if (keyword.Name is "items" or "oneOf" or "anyOf" or "allOf" && keyword.Value.ValueKind == JsonValueKind.Array)
                foreach (var sub in keyword.Value.EnumerateArray()) CollectUnknown(sub, unknown);
            else if (keyword.Name is "items" or "not" or "additionalProperties") CollectUnknown(keyword.Value, unknown);
        }
    }

    /// <summary>
    /// Definitions may be grouped (nbformat keeps several under "misc", referenced as #/definitions/misc/source):
    /// an entry with no keyword at all is such a group.
    /// </summary>
    static void CollectDefinitions(JsonElement definitions, SortedSet<string> unknown)
    {
        foreach (var entry in definitions.EnumerateObject())
        {
            bool isGroup = entry.Value.ValueKind == JsonValueKind.Object && !entry.Value.EnumerateObject().Any(p => Keywords.Contains(p.Name));
            if (isGroup) CollectDefinitions(entry.Value, unknown);
            else CollectUnknown(entry.Value, unknown);
        }
    }

    public static string Describe(IEnumerable<string> errors) => string.Join("\n", errors.Take(20).Select(e => "  " + e));
}
