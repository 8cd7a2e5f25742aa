using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;
using SslAnomaly.Numerics;
using SslAnomaly.Optim;

namespace SslAnomaly.Experiments;

/// <summary>
/// Everything that defines one experiment: what to pretrain, on which subset, for how long, and how
/// to probe it. Serialised as snake_case JSON into every run directory's config.json; built from a profile and a method's
/// recipe, then overridable key by key from JSON or YAML (<see cref="ExperimentConfigBuilder"/>). The paper does not state epochs,
/// batch size or optimiser: the defaults here are ours, recorded in every run. The method's own
/// hyper-parameters and the optimiser are sections of their own, every value resolved: <c>"method": {"name":
/// "byol", "ema_base": 0.99, ...}</c> and <c>"optimizer": {"kind": "lars", "learning_rate": 1.0, ...}</c>
/// (configs of the older flat shape are read through <see cref="ConfigMigration"/>).
/// </summary>
public sealed record ExperimentConfig
{
    /// <summary>The method's name (<c>method.name</c>) and its own hyper-parameters, of its record type.</summary>
    [JsonConverter(typeof(MethodSectionJsonConverter))]
    public MethodConfig Method { get; init; } = MethodRegistry.SimClr.Defaults;
    public string Backbone { get; init; } = "resnet18";
    /// <summary>Square input size of pretraining and probing (the paper uses 224).</summary>
    public int Resolution { get; init; } = 64;
    /// <summary>ViT patch size; 0 picks one from the resolution.</summary>
    public int PatchSize { get; init; }
    /// <summary>ResNet stem: auto (ImageNet stem from 96 px), imagenet or small.</summary>
    public string Stem { get; init; } = "auto";
    /// <summary>
    /// What the backbone computes its activations in: float32, or bfloat16 with float32 weights, heads and losses
    /// (<see cref="ComputePrecision"/>; pays only where the CPU multiplies bfloat16 natively). Left out of config.json at
    /// float32, so every config written before the choice existed still reads, and hashes, as it did.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ComputePrecision Precision { get; init; }

    /// <summary>Defect share of the pretraining subset, in percent (and of the probe set unless <see cref="ProbeDefectPct"/> is set).</summary>
    public double TrainDefectPct { get; init; } = 5;
    /// <summary>Images in the pretraining subset (the probe trains on its own set: <see cref="ProbeDefectPct"/>, <see cref="ProbeSize"/>).</summary>
    public int TrainSize { get; init; } = 2000;
    /// <summary>Defect share of the probe-training set, in percent; null takes <see cref="TrainDefectPct"/>. Set it apart from the
    /// train share to see whether imbalance hurts the representation (pretraining) or the probe.</summary>
    public double? ProbeDefectPct { get; init; }
    /// <summary>Images in the probe-training set, drawn from the training split; 0 takes
    /// <see cref="ExperimentData.DefaultProbeSize"/> (50 defects at 1 %) or, where the split is smaller, the largest size it
    /// supplies at every paper share, so the probe set has one size across the grid.</summary>
    public int ProbeSize { get; init; }
    /// <summary>Images in each validation subset of the grid.</summary>
    public int ValSize { get; init; } = 500;
    /// <summary>Validation defect shares of the imbalance grid (percent); "natural" is added when <see cref="ValNatural"/>.</summary>
    public double[] ValDefectPcts { get; init; } = [1, 2, 5, 15, 45];
    public bool ValNatural { get; init; } = true;
    /// <summary>Images of the "natural" subset, drawn uniformly so the split's own defect share is kept; 0 takes the whole split.</summary>
    public int ValNaturalSize { get; init; }
    /// <summary>
    /// Also score the held-out test split, with the validation grid's shares and sizes. Settings are chosen on validation;
    /// reports show test. Needs a labelled SewerML_Test.csv (the embedded dataset has one).
    /// </summary>
    public bool TestSplit { get; init; } = true;

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    /// <summary>The optimiser and its schedule; the builder takes the method's recipe's (<see cref="MethodRecipe"/>).</summary>
    public OptimizerSettings Optimizer { get; init; } = SimClrRecipe.Published.Optimizer;

    public AugmentationSettings Augmentation { get; init; } = new();

    public ProbeSettings Probe { get; init; } = new();
    /// <summary>The study without defect labels beside the probe: one-class detectors and label efficiency (docs/one-class.md).</summary>
    public OneClassSettings OneClass { get; init; } = new();
    public CollapseSettings Collapse { get; init; } = new();

    public int Seed { get; init; }
    public string Profile { get; init; } = "quick";
    /// <summary>Sewer-ML root (CSV + images); null uses the embedded synthetic dataset.</summary>
    public string? DataRoot { get; init; }
    /// <summary>Embedded dataset size when <see cref="DataRoot"/> is null.</summary>
    public SyntheticDataSettings Embedded { get; init; } = new();

    public int CheckpointEverySteps { get; init; } = 200;
    /// <summary>Keep decoded images of the run's subsets in a memory-mapped file in the run folder, so later epochs skip PNG decoding.</summary>
    public bool DecodedCache { get; init; } = true;
    /// <summary>Images of the fixed monitoring sample (RankMe, feature statistics) per epoch; RankMe caps at 25,600.</summary>
    public int MonitorSamples { get; init; } = 512;
    /// <summary>libtorch intra-op threads; 0 keeps libtorch's default (one per core).</summary>
    public int Threads { get; init; }
    /// <summary>Leave missing, empty, truncated or undecodable images out (counted in result.json) instead of failing the run.</summary>
    public bool SkipBadImages { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The defaults of an experiment with <paramref name="method"/>: its published hyper-parameters and optimiser.</summary>
    public static ExperimentConfig For(MethodSpec method) => MethodRecipe.Published(method).ApplyTo(new ExperimentConfig());

    /// <summary>The backbone this experiment builds. The stem must parse: <see cref="ExperimentValidator"/> names a bad one first.</summary>
    public BackboneConfig BackboneSettings() => new(Backbone, Resolution, PatchSize, Enum.Parse<ResNetStem>(Stem, ignoreCase: true), Precision);

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public JsonObject ToJsonObject() => JsonSerializer.SerializeToNode(this, Json)!.AsObject();

    /// <summary>Every key a config file or --set may name: config.json's, plus those it leaves out at their default.</summary>
    public JsonObject ToEditableJsonObject()
    {
        var json = ToJsonObject();
        json.TryAdd("precision", Precision.Name());
        return json;
    }
}

/// <summary>The paper's augmentation pipeline (Appendix A): RandomResizedCrop + ColorJitter with t_val.</summary>
public sealed record AugmentationSettings
{
    public double MinScale { get; init; } = 0.395;
    /// <summary>ColorJitter strength: brightness = contrast = saturation = t_val, hue = t_val / 2.</summary>
    public double TVal { get; init; } = 0.275;
    public double JitterProbability { get; init; } = 0.8;
    public double GrayscaleProbability { get; init; } = 0.2;
    public double FlipProbability { get; init; } = 0.5;
    /// <summary>Method-specific view recipes (asymmetric blur/solarisation for BYOL and DINO) when true; else one symmetric pipeline.</summary>
    public bool MethodViewRecipes { get; init; } = true;
}

/// <summary>The weighted linear probe on frozen features.</summary>
public sealed record ProbeSettings
{
    public int MaxIterations { get; init; } = 200;
    public double L2 { get; init; } = 1e-4;
    /// <summary>Bootstrap resamples for confidence intervals of every probe metric.</summary>
    public int BootstrapSamples { get; init; } = 1000;
}

/// <summary>
/// One-class detectors on the frozen features (kNN and Mahalanobis, on a clean and a contaminated reference pool, with a
/// threshold chosen without defect labels) and the probe at small label budgets, scored on the same subsets as the
/// probe. Config keys <c>one_class.*</c>; <see cref="Eval.OneClass.OneClassOptions"/> documents each value.
/// </summary>
public sealed record OneClassSettings
{
    public bool Enabled { get; init; } = true;
    public Eval.OneClass.DetectorKind[] Detectors { get; init; } = [Eval.OneClass.DetectorKind.Knn, Eval.OneClass.DetectorKind.Mahalanobis];
    public Eval.OneClass.ReferencePool[] Pools { get; init; } = [Eval.OneClass.ReferencePool.Clean, Eval.OneClass.ReferencePool.Contaminated];
    public int K { get; init; } = 5;
    public double Quantile { get; init; } = 0.95;
    public double CalibrationShare { get; init; } = 0.2;
    public int[] LabelBudgets { get; init; } = [10, 30, 100, 300];

    public Eval.OneClass.OneClassOptions Options() => new(Enabled, Detectors, Pools, K, Quantile, CalibrationShare, LabelBudgets);
}

/// <summary>
/// The collapse guard (<c>CollapseGuard</c>): a run whose training embeddings (projector output; DINO's bottleneck) have a
/// spread below <see cref="Threshold"/> (about 1 when spread over the sphere, 0 when every image maps to one point) for
/// <see cref="Patience"/> consecutive steps is reported with <c>"collapsed": true</c>. It still trains to the end and is probed.
/// </summary>
public sealed record CollapseSettings
{
    public double Threshold { get; init; } = 0.01;
    /// <summary>Consecutive steps below the threshold; 0 disables the guard.</summary>
    public int Patience { get; init; } = 50;
}

/// <summary>How large an embedded dataset to render when no Sewer-ML root is given.</summary>
public sealed record SyntheticDataSettings
{
    public int Train { get; init; } = 6000;
    /// <summary>
    /// 6,000 validation and 6,000 test frames (about 3,200 normal each) let 3,000-image subsets exist at 1 % defects:
    /// 30 defects, the fewest a reported share may rest on.
    /// </summary>
    public int Val { get; init; } = 6000;
    public int Test { get; init; } = 6000;
    /// <summary>Rendered image size (runs resize to their own resolution).</summary>
    public int Resolution { get; init; } = 64;
    /// <summary>Seed 0 is the dataset that data-manifests/embedded describes (labels do not depend on the resolution).</summary>
    public int Seed { get; init; }
    /// <summary>
    /// Size multiplier of the rendered defects (labels do not depend on it): 1 is generator v1's look, whose thin
    /// defects (cracks, roots, seams) fall below a pixel at 32-64 px; CPU profiles enlarge them (Profiles).
    /// </summary>
    public double DefectScale { get; init; } = 1;
}
