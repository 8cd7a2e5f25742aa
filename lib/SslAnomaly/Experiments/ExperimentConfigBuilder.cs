using System.Text.Json.Nodes;

namespace SslAnomaly.Experiments;

/// <summary>Layers defaults, profile, config file, explicit CLI options and --set pairs into one validated config.</summary>
public static class ExperimentConfigBuilder
{
    public static ExperimentConfig Build(string? profile = null, string? configFile = null,
        JsonObject? explicitOptions = null, IEnumerable<string>? sets = null)
    {
        var merged = new ExperimentConfig().ToJsonObject();
        JsonObject? file = configFile is null ? null : ConfigOverrides.ReadFile(configFile);
        // The profile comes from the command line, else from the file, else quick.
        string chosen = profile ?? ProfileOf(file, configFile) ?? Profiles.Quick;
        ConfigOverrides.Merge(merged, Profiles.Layer(chosen), $"profile {chosen}");
        // The method-specific part of the profile sits under the file and the command line, which may override it.
        // A method that is not a string is left for the validator to name; here it just selects no method layer.
        string? method = Text(explicitOptions?["method"]) ?? Text(file?["method"]) ?? Text(merged["method"]);
        if (method is not null)
            ConfigOverrides.Merge(merged, Profiles.MethodLayer(chosen, method), $"profile {chosen} for {method}");
        if (file is not null) ConfigOverrides.Merge(merged, file, configFile!);
        if (explicitOptions is not null) ConfigOverrides.Merge(merged, explicitOptions, "command line");
        if (sets is not null) ConfigOverrides.ApplySets(merged, sets);
        var config = ConfigOverrides.ToConfig(merged);
        // The floor trains zero steps by definition, whatever epochs a profile or --set gave: config.json says so, and a
        // finished floor compares equal to the config that would run it again.
        if (config.Method == Methods.RandomInit.Name) config = config with { Epochs = 0 };
        ExperimentValidator.Validate(config);
        return config;
    }

    static string? ProfileOf(JsonObject? file, string? path) => file?["profile"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var name) => name,
        var other => throw new UserInputException($"config file {path}: profile must be a name ({string.Join(", ", Profiles.Names)}), not {other.ToJsonString()}."),
    };

    static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
