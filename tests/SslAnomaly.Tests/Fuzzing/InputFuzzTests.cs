using System.Text;
using CsCheck;

namespace SslAnomaly.Tests.Fuzzing;

/// <summary>
/// Property tests over mutated inputs: Sewer-ML annotation files, experiment config files (JSON and YAML) and --set
/// values. Each input must end in success or in one <see cref="UserInputException"/> (the CLI's exit 2) whose message is
/// one line; any other exception is a crash with a stack trace and fails the property, and CsCheck shrinks it to a
/// minimal input and prints the seed that replays it. Everything runs in-process (thousands of inputs in seconds);
/// <see cref="CliFuzzSamples"/> checks the exit code and the absence of half-written files on real processes.
/// </summary>
public class InputFuzzTests
{
    /// <summary>Success, or one clear single-line error.</summary>
    internal static void SucceedsOrFailsClearly(Action action)
    {
        try
        {
            action();
        }
        catch (UserInputException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message), "empty error message");
            Assert.DoesNotContain('\n', e.Message.TrimEnd());
        }
    }

    /// <summary>Characters that break CSV, JSON, YAML and number parsing.</summary>
    static readonly Gen<string> Noise = Gen.OneOf(
        Gen.OneOfConst(",", "\"", "\n", "\r\n", "\r", "0", "1", "2", "-1", "", " ", "\t", "\0", "é", "\uFEFF", "..", "/", "\\", "{", "}", "[", "]",
            ":", "#", "'", "=", "1e999", "NaN", "null", "true", "-", ".", "0x10", "\uD800", "Filename", "Defect", "RB"),
        Gen.String[Gen.Char[" ,\"\n01:{}[]=a-.é\t"], 0, 6]);

    /// <summary>Text with 1..4 random edits: insert noise, delete a span, duplicate or drop a line, truncate.</summary>
    static Gen<string> Mutated(Gen<string> valid) => valid.SelectMany(text =>
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Noise, Gen.Int[1, 20]).Array[1, 4].Select(edits =>
        {
            var s = text;
            foreach (var (kind, at, noise, length) in edits)
            {
                int i = s.Length == 0 ? 0 : at % (s.Length + 1);
                var lines = s.Split('\n');
                int line = at % lines.Length;
                s = kind switch
                {
                    0 => s.Insert(i, noise),
                    1 => s.Remove(i, Math.Min(length, s.Length - i)),
                    2 => string.Join('\n', lines.Take(line + 1).Append(lines[line]).Concat(lines.Skip(line + 1))),
                    3 => string.Join('\n', lines.Where((_, k) => k != line)),
                    _ => s[..i],
                };
            }
            return s;
        }));

    static readonly Gen<string> ValidCsv = Gen.Select(Gen.Bool.Array[SewerMlCodes.Codes.Count], Gen.Int[0, 100], Gen.Bool).Array[1, 5]
        .Select(rows => SewerMlCsv.Format(rows.Select((r, i) => new SewerMlCsv.Row($"{i:D8}.png", r.Item1, r.Item3, r.Item2))));

    [Fact]
    public void Mutated_sewer_ml_csv_files_are_read_or_refused_with_one_clear_error()
    {
        using var dir = new TempDir();
        Gen.Select(Mutated(ValidCsv), Gen.Bool, Gen.Bool).Sample(sample =>
        {
            var (text, requireLabels, rawBytes) = sample;
            var path = dir.File($"SewerML_Train-{Guid.NewGuid():N}.csv");
            // Also bytes that are not UTF-8 (a lone surrogate written raw, a stray 0xFF).
            File.WriteAllBytes(path, rawBytes ? [.. Encoding.UTF8.GetBytes(text), 0xFF, 0xC3] : Encoding.UTF8.GetBytes(text));
            try
            {
                SucceedsOrFailsClearly(() =>
                {
                    var table = SewerMlCsv.Read(path, requireLabels);
                    if (table.HasLabels) Assert.Equal(table.Count, table.Defect.Length);
                });
            }
            finally
            {
                File.Delete(path);
            }
        }, iter: 400, print: s => System.Text.Json.JsonSerializer.Serialize(s.Item1));
    }

    /// <summary>Keys the config knows (some nested, some method parameters) and a few it does not.</summary>
    static readonly Gen<string> Keys = Gen.OneOfConst("epochs", "batch_size", "resolution", "patch_size", "train_size", "val_size", "val_defect_pcts",
        "seed", "profile", "method", "backbone", "train_defect_pct", "optimizer", "learning_rate", "probe.bootstrap_samples", "probe.l2",
        "augmentation.min_scale", "augmentation.t_val", "embedded.train", "method_params.temperature", "method_params.dino_prototypes",
        "method_params.mae_mask_ratio", "method.temperature", "method.dino_prototypes", "method.name", "method", "optimizer.kind",
        "optimizer.learning_rate", "optimizer.lars_clip_lr", "optimizer", "weight_decay", "checkpoint_every_steps", "threads", "skip_bad_images", "data_root", "stem", "nope", "probe", "", "epochs.x");

    static readonly Gen<string> Values = Gen.OneOf(Noise, Gen.OneOfConst("5", "0", "-3", "2.5", "1e9", "99999999999999999999", "[1, 2]", "[5, 45]",
        "[]", "{}", "{\"a\": 1}", "\"text\"", "smoke", "simclr", "vit-tiny", "resnet18", "adamw", "[1, \"x\"]", "-0", "1_000", ".5"),
        Gen.Int[-5, 300].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>What `run` does with a config before it starts: build and validate it (the method and optimiser sections included).</summary>
    static void BuildLikeRun(string? profile, string? file, IEnumerable<string> sets) => ExperimentConfigBuilder.Build(profile, file, null, sets);

    [Fact]
    public void Set_values_are_applied_or_refused_with_one_clear_error()
    {
        Gen.Select(Keys, Values, Gen.Bool).Array[1, 3].Sample(pairs =>
            SucceedsOrFailsClearly(() => BuildLikeRun("smoke", null, pairs.Select(p => p.Item3 ? $"{p.Item1}={p.Item2}" : p.Item1 + p.Item2))),
            iter: 600, print: p => string.Join(" ", p.Select(x => $"--set '{x.Item1}={x.Item2}'")));
    }

    static readonly Gen<string> ValidJsonConfig = Gen.Select(Keys, Values).Array[0, 4].Select(pairs =>
        "{\n  \"profile\": \"smoke\",\n  \"method\": \"simclr\"" + string.Concat(pairs.Select(p => $",\n  \"{p.Item1}\": {p.Item2}")) + "\n}\n");

    static readonly Gen<string> ValidYamlConfig = Gen.Select(Keys, Values).Array[0, 4].Select(pairs =>
        "profile: smoke\nmethod: simclr\nprobe:\n  l2: 0.001\n" + string.Concat(pairs.Select(p => $"{p.Item1}: {p.Item2}\n")));

    [Fact]
    public void Mutated_config_files_are_loaded_or_refused_with_one_clear_error()
    {
        using var dir = new TempDir();
        Gen.Select(Gen.OneOf(Mutated(ValidJsonConfig).Select(t => (t, ".json")), Mutated(ValidYamlConfig).Select(t => (t, ".yaml"))),
                Gen.OneOfConst<string?>(null, "smoke")).Sample(sample =>
        {
            var ((text, extension), profile) = sample;
            var path = dir.File($"config-{Guid.NewGuid():N}{extension}");
            File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text)); // a lone surrogate becomes U+FFFD, as in any real file
            try
            {
                SucceedsOrFailsClearly(() => BuildLikeRun(profile, path, []));
            }
            finally
            {
                File.Delete(path);
            }
        }, iter: 600, print: s => System.Text.Json.JsonSerializer.Serialize(s));
    }
}
