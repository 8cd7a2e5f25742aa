using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Methods;
using YamlDotNet.RepresentationModel;

namespace SslAnomaly.Experiments;

/// <summary>
/// What a caller picks for one experiment above the profile and the config file: the command line's named options, a
/// sweep entry's identity, a notebook's call. Null leaves the layer below in place. The method (and the backbone) also
/// choose the recipe, unless a --set names another.
/// </summary>
public sealed record ExperimentChoices
{
    public string? Method { get; init; }
    public string? Backbone { get; init; }
    public double? TrainDefectPct { get; init; }
    public int? Seed { get; init; }
    /// <summary>Sewer-ML root, taken as a full path.</summary>
    public string? DataRoot { get; init; }
    public bool? SkipBadImages { get; init; }

    /// <summary><paramref name="config"/> with the choices made; the method is not among them, as it chose the config's recipe.</summary>
    internal ExperimentConfig ApplyTo(ExperimentConfig config) => config with
    {
        Backbone = Backbone ?? config.Backbone,
        TrainDefectPct = TrainDefectPct ?? config.TrainDefectPct,
        Seed = Seed ?? config.Seed,
        DataRoot = DataRoot is null ? config.DataRoot : Path.GetFullPath(DataRoot),
        SkipBadImages = SkipBadImages ?? config.SkipBadImages,
    };
}

/// <summary>
/// Builds one validated config, each layer above the one before: the profile's scale (<see cref="Profiles.Scale"/>), the
/// chosen method's recipe for that profile and backbone (<see cref="MethodRecipe.For"/>), a JSON/YAML config file, the
/// caller's <see cref="ExperimentChoices"/>, then <c>--set key=value</c> pairs. Typed values merge by type; only the file
/// and the pairs, text from users, go by key path (<see cref="ConfigOverrides"/>). C# code changes a built config with
/// <c>with</c> and hands it to <see cref="Complete"/>.
/// </summary>
public static class ExperimentConfigBuilder
{
    public static ExperimentConfig Build(string? profile = null, string? configFile = null,
        ExperimentChoices? choices = null, IEnumerable<string>? sets = null)
    {
        var assignments = sets?.ToList() ?? [];
        JsonObject? file = configFile is null ? null : ConfigOverrides.ReadFile(configFile);
        // The profile comes from the command line, else from the file, else quick.
        string chosenProfile = profile ?? ProfileOf(file, configFile) ?? Profiles.Quick;
        // The recipe depends on the method and the backbone, so the highest layer that names each decides it before any
        // layer is applied. A name that is not a string is left for the layer's reader to refuse.
        var parsed = assignments.Select(ConfigOverrides.ParseAssignment).ToList();
        var defaults = new ExperimentConfig();
        string? methodAboveFile = LastSet(parsed, keys => keys is ["method"] or ["method", MethodSectionJsonConverter.NameKey]) ?? choices?.Method;
        var method = MethodRegistry.Get(methodAboveFile ?? ConfigMigration.MethodName(file) ?? defaults.Method.Name);
        string backbone = LastSet(parsed, keys => keys is ["backbone"]) ?? choices?.Backbone ?? Text(file?["backbone"]) ?? defaults.Backbone;

        var config = MethodRecipe.For(method, chosenProfile, backbone).ApplyTo(Profiles.Scale(chosenProfile));
        if (file is not null)
        {
            var layer = ConfigMigration.Upgrade(file, method.Name);
            // A method chosen above the file replaces the one the file names: the file's settings apply to the chosen one.
            if (methodAboveFile is not null && layer["method"] is JsonObject section) section[MethodSectionJsonConverter.NameKey] = method.Name;
            config = ConfigOverrides.Merge(config, layer, configFile!);
        }
        if (choices is not null) config = choices.ApplyTo(config);
        return Complete(ConfigOverrides.ApplySets(config, assignments));
    }

    /// <summary>
    /// The name the last --set of a key chooses, e.g. the method (<c>method.name=dino</c>, or the older <c>method=dino</c>)
    /// or the backbone; null when none sets it, or sets it to a value that is not a name.
    /// </summary>
    static string? LastSet(IEnumerable<(string[] Keys, JsonNode? Value)> sets, Func<string[], bool> isKey) =>
        Text(sets.LastOrDefault(a => isKey(a.Keys)).Value);

    /// <summary>
    /// The last step of every config, also after a caller's own <c>with</c>: the floor trains zero steps by definition,
    /// whatever epochs a profile or --set gave (config.json says so, and a finished floor compares equal to the config
    /// that would run it again); then the validator.
    /// </summary>
    public static ExperimentConfig Complete(ExperimentConfig config)
    {
        if (config.Method is RandomInitConfig) config = config with { Epochs = 0 };
        ExperimentValidator.Validate(config);
        return config;
    }

    static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    static string? ProfileOf(JsonObject? file, string? path) => file?["profile"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var name) => name,
        var other => throw new UserInputException($"config file {path}: profile must be a name ({string.Join(", ", Profiles.Names)}), not {other.ToJsonString()}."),
    };
}

/// <summary>
/// Where text meets a typed config: JSON/YAML config files and <c>--set key=value</c> pairs, applied by key path
/// (<c>augmentation.min_scale</c>, <c>method.temperature</c>, <c>optimizer.learning_rate</c>). A key that does not exist
/// is an error naming it, never silently ignored; under "method" the keys are the chosen method's own.
/// </summary>
public static class ConfigOverrides
{
    /// <summary>
    /// <paramref name="config"/> with a config file's keys (<see cref="ReadFile"/>, in the current shape) merged in by key
    /// path on its JSON, read back typed (a wrong type is an error naming the key).
    /// </summary>
    public static ExperimentConfig Merge(ExperimentConfig config, JsonObject layer, string source)
    {
        var json = config.ToEditableJsonObject();
        Merge(json, layer, source);
        return ToConfig(json);
    }

    /// <summary><paramref name="config"/> with "key=value" pairs applied (<see cref="ApplySets(JsonObject, IEnumerable{string})"/>); without pairs, as it is.</summary>
    public static ExperimentConfig ApplySets(ExperimentConfig config, IReadOnlyList<string> assignments)
    {
        if (assignments.Count == 0) return config;
        var json = config.ToEditableJsonObject();
        ApplySets(json, assignments);
        return ToConfig(json);
    }

    /// <summary>Reads a JSON or YAML config file (by extension) into a JSON object.</summary>
    public static JsonObject ReadFile(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"config file {path} does not exist.");
        var text = File.ReadAllText(path);
        try
        {
            var ext = Path.GetExtension(path).ToLowerInvariant();
            // Duplicate keys are refused while parsing (JsonObject would otherwise throw on first access, outside this try).
            JsonNode? node = ext is ".yaml" or ".yml" ? FromYaml(text) : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            return node as JsonObject ?? throw new UserInputException($"config file {path}: the top level must be a mapping of keys to values.");
        }
        // YAML: a duplicate key (ArgumentException), a key that is not a plain scalar (InvalidCastException), or YamlDotNet's
        // scanner giving up on an unterminated flow collection (InvalidOperationException).
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            throw new UserInputException($"config file {path} is not valid {(path.EndsWith(".json") ? "JSON" : "YAML/JSON")}: {e.Message}", e);
        }
    }

    /// <summary>Merges <paramref name="layer"/> into <paramref name="target"/>; every key must already exist in the target.</summary>
    public static void Merge(JsonObject target, JsonObject layer, string source, string prefix = "")
    {
        foreach (var (key, value) in layer.ToList())
        {
            string normalised = Normalise(key);
            string path = prefix + normalised;
            if (!target.ContainsKey(normalised))
                throw UnknownKey(path, source, target, prefix);
            if (value is JsonObject child && target[normalised] is JsonObject existing)
                Merge(existing, child, source, path + ".");
            else
                target[normalised] = value?.DeepClone();
        }
    }

    /// <summary>One "key=value" pair as its key path (normalised) and value, typed like a YAML scalar (numbers, booleans, null, [a, b] lists).</summary>
    public static (string[] Keys, JsonNode? Value) ParseAssignment(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new UserInputException($"--set '{assignment}': expected key=value, e.g. --set epochs=5.");
        return (assignment[..eq].Trim().Split('.').Select(Normalise).ToArray(), ParseScalar(assignment[(eq + 1)..].Trim()));
    }

    /// <summary>
    /// Applies "key=value" pairs (<see cref="ParseAssignment"/>). Keys of the older flat shape (method_params.X,
    /// learning_rate, ...) are upgraded first (<see cref="ConfigMigration.UpgradeAssignment"/>), for the method that
    /// <paramref name="target"/> holds.
    /// </summary>
    public static void ApplySets(JsonObject target, IEnumerable<string> assignments)
    {
        string method = ConfigMigration.MethodName(target) ?? new ExperimentConfig().Method.Name;
        foreach (var (keys, value) in assignments.Select(ParseAssignment).SelectMany(a => ConfigMigration.UpgradeAssignment(a.Keys, a.Value, method)))
        {
            JsonObject node = target;
            for (int i = 0; i < keys.Length - 1; i++)
            {
                if (node[keys[i]] is not JsonObject child)
                    throw UnknownKey(string.Join('.', keys), "--set", node, i == 0 ? "" : string.Join('.', keys[..i]) + ".");
                node = child;
            }
            if (!node.ContainsKey(keys[^1]))
                throw UnknownKey(string.Join('.', keys), "--set", node, keys.Length == 1 ? "" : string.Join('.', keys[..^1]) + ".");
            node[keys[^1]] = value;
        }
    }

    /// <summary>Turns the merged JSON back into a typed config (a wrong type is an error naming the key).</summary>
    public static ExperimentConfig ToConfig(JsonObject merged)
    {
        try
        {
            return merged.Deserialize<ExperimentConfig>(ExperimentConfig.Json)
                ?? throw new UserInputException("the configuration is empty.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"configuration value has the wrong type at {e.Path?.TrimStart('$', '.')}: {e.Message}", e);
        }
    }

    /// <summary>Accepts kebab-case and camelCase spellings of snake_case keys.</summary>
    public static string Normalise(string key)
    {
        var chars = new System.Text.StringBuilder();
        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (c == '-') c = '_';
            if (char.IsUpper(c))
            {
                if (i > 0 && key[i - 1] != '_' && key[i - 1] != '-') chars.Append('_');
                c = char.ToLowerInvariant(c);
            }
            chars.Append(c);
        }
        return chars.ToString();
    }

    /// <summary>Names the key and lists the valid ones; in the method section, whose keys are the method's own, names the method too.</summary>
    static UserInputException UnknownKey(string key, string source, JsonObject scope, string prefix)
    {
        string owner = prefix == "method." && scope[MethodSectionJsonConverter.NameKey] is JsonValue name && name.TryGetValue<string>(out var method)
            ? $" for method {method}" : "";
        return new($"config key '{key}' ({source}) does not exist{owner}; valid keys here: {string.Join(", ", scope.Select(p => prefix + p.Key))}.");
    }

    public static JsonNode? ParseScalar(string text)
    {
        if (text.Length == 0) return JsonValue.Create("");
        if (text is "null" or "~") return null;
        if (text is "true" or "True") return JsonValue.Create(true);
        if (text is "false" or "False") return JsonValue.Create(false);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        // 1e999 parses to infinity, which JSON cannot hold: it stays text and fails as a wrong type naming its key.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonValue.Create(d);
        if (text.StartsWith('[') && text.EndsWith(']'))
            return new JsonArray(text[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseScalar).ToArray());
        if (text.Length >= 2 && (text[0] == '"' && text[^1] == '"' || text[0] == '\'' && text[^1] == '\'')) return JsonValue.Create(text[1..^1]);
        return JsonValue.Create(text);
    }

    static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? new JsonObject() : Convert(stream.Documents[0].RootNode);
    }

    static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted
            ? JsonValue.Create(scalar.Value)
            : ParseScalar(scalar.Value ?? ""),
        _ => null,
    };
}
