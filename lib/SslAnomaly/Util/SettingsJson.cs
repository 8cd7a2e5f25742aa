using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SslAnomaly.Util;

/// <summary>
/// The snake_case JSON of a settings record (a method's config, the optimiser's): the keys config.json records and
/// <c>--set method.temperature=0.2</c> addresses. Overrides go through JSON so that a key is checked against the record's
/// own properties and a value against their types, each failure one message naming the key.
/// </summary>
public static class SettingsJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>Every value of the record by snake_case key (its runtime type's properties).</summary>
    public static JsonObject ToJson(object settings) => JsonSerializer.SerializeToNode(settings, settings.GetType(), Options)!.AsObject();

    /// <summary>The record of <paramref name="type"/> from its keys; missing keys keep the record's defaults.</summary>
    /// <param name="section">The key path's first part ("method", "optimizer"), for messages.</param>
    public static object Parse(JsonObject json, Type type, string section)
    {
        try
        {
            return json.Deserialize(type, Options) ?? throw new UserInputException($"{section} is empty.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{section}.{e.Path?.TrimStart('$', '.')}: unknown key or a value of the wrong type ({e.Message})", e);
        }
    }

    /// <summary>
    /// A copy with the given keys replaced (values as JSON). A key the record lacks is refused, naming
    /// <paramref name="owner"/> and listing the valid keys.
    /// </summary>
    public static T WithOverrides<T>(T settings, IEnumerable<KeyValuePair<string, JsonNode?>> overrides, string section, string owner) where T : notnull
    {
        var json = ToJson(settings);
        foreach (var (key, value) in overrides)
        {
            if (!json.ContainsKey(key))
                throw new UserInputException($"unknown {owner} setting '{section}.{key}' (valid: {string.Join(", ", json.Select(p => $"{section}.{p.Key}"))}).");
            json[key] = value?.DeepClone();
        }
        return (T)Parse(json, settings.GetType(), section);
    }
}
