using System.Text.Json.Nodes;
using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>
/// What a caller picks for one experiment above the profile and the config file: the command line's named options, a
/// sweep entry's identity, a notebook's call. Null leaves the layer below in place.
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

    /// <summary>The choices as a config layer: the one place they meet their keys.</summary>
    internal JsonObject ToLayer()
    {
        var layer = new JsonObject();
        if (Method is not null) layer["method"] = new JsonObject { [MethodSectionJsonConverter.NameKey] = Method };
        if (Backbone is not null) layer["backbone"] = Backbone;
        if (TrainDefectPct is { } pct) layer["train_defect_pct"] = pct;
        if (DataRoot is not null) layer["data_root"] = Path.GetFullPath(DataRoot);
        if (Seed is { } seed) layer["seed"] = seed;
        if (SkipBadImages is { } skip) layer["skip_bad_images"] = skip;
        return layer;
    }
}

/// <summary>Layers defaults, profile, config file, explicit choices and --set pairs into one validated config.</summary>
public static class ExperimentConfigBuilder
{
    public static ExperimentConfig Build(string? profile = null, string? configFile = null,
        ExperimentChoices? choices = null, IEnumerable<string>? sets = null) =>
        Build(profile, configFile, choices?.ToLayer(), sets);

    static ExperimentConfig Build(string? profile, string? configFile, JsonObject? explicitOptions, IEnumerable<string>? sets)
    {
        var assignments = sets?.ToList() ?? [];
        JsonObject? file = configFile is null ? null : ConfigOverrides.ReadFile(configFile);
        // The profile comes from the command line, else from the file, else quick.
        string chosen = profile ?? ProfileOf(file, configFile) ?? Profiles.Quick;
        // The method is chosen first, by the highest layer that names one: its defaults are the base the layers change, and
        // its record says which "method" keys exist. A name that is not a string is left for the section's reader to refuse.
        var parsed = assignments.Select(ConfigOverrides.ParseAssignment).ToList();
        var method = MethodRegistry.Get(LastSet(parsed, keys => keys is ["method"] or ["method", MethodSectionJsonConverter.NameKey])
            ?? ConfigMigration.MethodName(explicitOptions) ?? ConfigMigration.MethodName(file) ?? new ExperimentConfig().Method.Name);
        var merged = ExperimentConfig.For(method).ToJsonObject();
        ConfigOverrides.Merge(merged, Profiles.Layer(chosen), $"profile {chosen}");
        // The method-specific part of the profile sits under the file and the command line, which may override it.
        string? backbone = LastSet(parsed, keys => keys is ["backbone"])
            ?? Text(explicitOptions?["backbone"]) ?? Text(file?["backbone"]) ?? Text(merged["backbone"]);
        ConfigOverrides.Merge(merged, Profiles.MethodLayer(chosen, method, backbone), $"profile {chosen} for {method.Name}");
        if (file is not null) ConfigOverrides.Merge(merged, ConfigMigration.Upgrade(file, method.Name), configFile!);
        if (explicitOptions is not null) ConfigOverrides.Merge(merged, explicitOptions, "command line");
        ConfigOverrides.ApplySets(merged, assignments);
        return Complete(ConfigOverrides.ToConfig(merged));
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
