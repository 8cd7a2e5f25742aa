using System.Text.Json.Nodes;

namespace SslAnomaly.Experiments;

/// <summary>
/// Named presets of an experiment's scale. <c>smoke</c>: one experiment in 4-12 s on two cores (tests, CI,
/// notebooks in CI). <c>quick</c>: the whole grid on the embedded data on a CPU within half an hour (11 min
/// measured on 2 idle cores). <c>paper</c>: Sewer-ML at 224 px on a GPU with paper-scale subsets (our choice of sizes:
/// the paper does not state them; 200k training images keep even the 1 % subset at 2,000 defects).
/// </summary>
public static class Profiles
{
    public const string Smoke = "smoke", Quick = "quick", Paper = "paper";
    public static readonly IReadOnlyList<string> Names = [Smoke, Quick, Paper];

    /// <summary>The profile's overrides of <see cref="ExperimentConfig"/> defaults.</summary>
    public static JsonObject Layer(string profile) => profile switch
    {
        Smoke => new JsonObject
        {
            ["profile"] = Smoke, ["resolution"] = 32, ["stem"] = "imagenet", ["patch_size"] = 8,
            ["train_size"] = 256, ["val_size"] = 200, ["val_natural_size"] = 600, ["epochs"] = 2, ["batch_size"] = 32,
            ["checkpoint_every_steps"] = 4, ["monitor_samples"] = 128,
            ["probe"] = new JsonObject { ["bootstrap_samples"] = 200, ["max_iterations"] = 100 },
            ["embedded"] = new JsonObject { ["resolution"] = 32 },
            ["method_params"] = SmallHeads(),
        },
        Quick => new JsonObject
        {
            ["profile"] = Quick, ["resolution"] = 32, ["stem"] = "imagenet", ["patch_size"] = 8,
            ["train_size"] = 512, ["val_size"] = 500, ["val_natural_size"] = 2000, ["epochs"] = 2, ["batch_size"] = 64,
            ["checkpoint_every_steps"] = 8, ["monitor_samples"] = 256,
            ["probe"] = new JsonObject { ["bootstrap_samples"] = 200, ["max_iterations"] = 200 },
            ["embedded"] = new JsonObject { ["resolution"] = 32 },
            ["method_params"] = SmallHeads(),
        },
        Paper => new JsonObject
        {
            ["profile"] = Paper, ["resolution"] = 224, ["stem"] = "auto", ["patch_size"] = 16,
            ["train_size"] = 200_000, ["val_size"] = 20_000, ["epochs"] = 100, ["batch_size"] = 256,
            ["checkpoint_every_steps"] = 1000, ["monitor_samples"] = 25_600, ["decoded_cache"] = false,
            ["probe"] = new JsonObject { ["bootstrap_samples"] = 1000, ["max_iterations"] = 500 },
        },
        _ => throw new UserInputException($"unknown profile '{profile}' (valid: {string.Join(", ", Names)})."),
    };

    /// <summary>CPU profiles shrink the heads (projectors, DINO prototypes, MAE decoder) to fit tiny images and short runs.</summary>
    static JsonObject SmallHeads() => new JsonObject
            {
                ["projector_hidden_dim"] = 512, ["projector_output_dim"] = 128, ["predictor_hidden_dim"] = 512,
                ["dino_hidden_dim"] = 512, ["dino_bottleneck_dim"] = 128, ["dino_prototypes"] = 1024,
                ["mae_decoder_dim"] = 128, ["mae_decoder_depth"] = 2, ["mae_decoder_heads"] = 4,
            };
}
