using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SslAnomaly.Methods;
using SslAnomaly.Optim;

namespace SslAnomaly.Experiments;

/// <summary>
/// Reads configs written in the flat shape that came before the method and the optimiser had sections of their own: run
/// folders' config.json, sweep.json's --set pairs and config files still hold it. The flat shape had <c>"method": "byol"</c>,
/// <c>"optimizer"</c> ("default" or a kind), <c>"learning_rate"</c> (0: the method's default), <c>"weight_decay"</c>
/// (negative: the method's default) and <c>"method_params"</c>, whose keys were those of one record for every method and
/// its optimiser, ignored by the methods that lacked them.
/// </summary>
public static class ConfigMigration
{
    /// <summary>The one flat key the optimizer section spells differently (it would read optimizer.optimizer).</summary>
    const string FlatOptimizerKey = "optimizer";

    /// <summary>
    /// The config in the current shape (a copy; a current config comes back equal). Values are mapped, not resolved: what
    /// the old config left to the method's default stays absent, for the builder (or <see cref="Resolve"/>) to fill in.
    /// method_params keys go to the record that owns them, the method's or the optimiser's; a key only another method has is
    /// dropped, as that method ignored it, and a key no record has is kept under "method" so that it is refused by name.
    /// </summary>
    /// <param name="method">The method the config will run (its record decides where method_params keys go); null: the
    /// config's own method, else the default one.</param>
    public static JsonObject Upgrade(JsonObject config, string? method = null)
    {
        var upgraded = (JsonObject)config.DeepClone();
        if (upgraded["method"] is JsonValue name)
            upgraded["method"] = new JsonObject { [MethodSectionJsonConverter.NameKey] = name.DeepClone() };
        JsonObject Section(string key) => upgraded[key] as JsonObject ?? (JsonObject)(upgraded[key] = new JsonObject());

        if (upgraded[FlatOptimizerKey] is JsonValue kind)
        {
            upgraded.Remove(FlatOptimizerKey);
            if (!(kind.TryGetValue<string>(out var text) && text == "default")) Section("optimizer")["kind"] = kind.DeepClone();
        }
        // Sentinels meant "the method's default": such a value is left out; any other (a wrong type included) is kept.
        MoveFlatValue("learning_rate", v => v <= 0);
        MoveFlatValue("weight_decay", v => v < 0);
        void MoveFlatValue(string key, Func<double, bool> meansDefault)
        {
            if (!upgraded.ContainsKey(key)) return;
            var value = upgraded[key];
            upgraded.Remove(key);
            if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                && meansDefault(double.Parse(number.ToJsonString(), CultureInfo.InvariantCulture))) return;
            Section("optimizer")[key] = value?.DeepClone();
        }

        if (upgraded.ContainsKey("method_params") && upgraded["method_params"] is JsonObject or null)
        {
            var flat = upgraded["method_params"] as JsonObject ?? new JsonObject();
            upgraded.Remove("method_params");
            var owner = MethodRegistry.Get(method ?? MethodName(upgraded) ?? new ExperimentConfig().Method.Name);
            var methodKeys = owner.Defaults.ToJson();
            var optimizerKeys = new OptimizerSettings().ToJson();
            foreach (var (key, value) in flat)
            {
                string optimizerKey = key == FlatOptimizerKey ? "kind" : key;
                if (methodKeys.ContainsKey(key)) Section("method")[key] = value?.DeepClone();
                else if (optimizerKeys.ContainsKey(optimizerKey)) Section("optimizer")[optimizerKey] = value?.DeepClone();
                else if (!MethodRegistry.All.Any(m => m.Defaults.ToJson().ContainsKey(key))) Section("method")[key] = value?.DeepClone();
            }
        }
        return upgraded;
    }

    /// <summary>
    /// One --set pair in the current shape: <c>method_params.temperature</c> becomes <c>method.temperature</c> (or
    /// <c>optimizer.*</c>, or nothing, as <see cref="Upgrade"/> decides), <c>learning_rate</c> <c>optimizer.learning_rate</c>,
    /// <c>method=dino</c> <c>method.name=dino</c>. Other keys come back as they are.
    /// </summary>
    public static IReadOnlyList<(string[] Keys, JsonNode? Value)> UpgradeAssignment(string[] keys, JsonNode? value, string method)
    {
        bool flat = keys[0] is "learning_rate" or "weight_decay" or "method_params"
            || keys is ["method" or FlatOptimizerKey] && value is JsonValue;
        if (!flat) return [(keys, value)];
        var nested = new JsonObject();
        var node = nested;
        foreach (var key in keys[..^1]) node = (JsonObject)(node[key] = new JsonObject());
        node[keys[^1]] = value;
        var assignments = new List<(string[], JsonNode?)>();
        void Leaves(JsonNode? at, string[] path)
        {
            if (at is JsonObject o && o.Count > 0) foreach (var (k, v) in o) Leaves(v, [.. path, k]);
            else if (at is not JsonObject) assignments.Add((path, at?.DeepClone()));
        }
        foreach (var (k, v) in Upgrade(nested, method)) Leaves(v, [k]);
        return assignments;
    }

    /// <summary>The method a config (either shape) names, or null when it names none.</summary>
    public static string? MethodName(JsonObject? config) => config?["method"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var name) => name,
        JsonObject section when section[MethodSectionJsonConverter.NameKey] is JsonValue v && v.TryGetValue<string>(out var name) => name,
        _ => null,
    };

    /// <summary>
    /// A stored config.json, in either shape, as the current code writes the same experiment: upgraded, with the method and
    /// optimiser settings it did not record filled in from its method's published recipe (what the old sentinels meant). Nothing
    /// else is filled in, so a config from a build that lacked some other key still reads as a different experiment.
    /// </summary>
    public static JsonObject Resolve(JsonObject stored)
    {
        var config = Upgrade(stored);
        var defaults = ExperimentConfig.For(MethodRegistry.Get(MethodName(config) ?? new ExperimentConfig().Method.Name)).ToJsonObject();
        foreach (var section in new[] { "method", "optimizer" })
        {
            var filled = (JsonObject)defaults[section]!.DeepClone();
            if (config[section] is JsonObject recorded)
                foreach (var (key, value) in recorded) filled[key] = value?.DeepClone();
            config[section] = filled;
        }
        return config;
    }
}
