namespace SslAnomaly.Eval.LabelFree;

/// <summary>Which way a label-free metric points when it picks a model.</summary>
public enum Preference
{
    /// <summary>Larger is better (ranks, LiDAR, agreement).</summary>
    Higher,
    /// <summary>Smaller is better (alignment, uniformity, the loss).</summary>
    Lower,
    /// <summary>Closest to 1 is better (alpha-ReQ: Agrawal et al. find alpha near 1 best).</summary>
    NearOne,
}

/// <summary>The features a metric is measured on: the backbone (what the probe sees) or the projector's embeddings.</summary>
public enum FeatureSpace { Backbone, Projector }

/// <summary>One label-free metric: its key, how a report names it, which way it prefers, and whether it needs augmented views.</summary>
public sealed record LabelFreeMetric(string Key, string Display, Preference Prefers, bool NeedsViews, string Source)
{
    /// <summary>The metrics.csv / TensorBoard name of the metric on <paramref name="space"/>.</summary>
    public string CurveName(FeatureSpace space) => Key switch
    {
        "rankme" => $"rankme/{Space(space)}",
        "loss" => LabelFreeMetrics.LossCurve,
        _ => $"labelfree/{Key}/{Space(space)}",
    };

    /// <summary>The pretraining loss is one number per step, not per feature space.</summary>
    public bool PerSpace => Key != "loss";

    /// <summary>A score where larger is better, for picking a model.</summary>
    public double Score(double value) => Prefers switch
    {
        Preference.Higher => value,
        Preference.Lower => -value,
        _ => -Math.Abs(value - 1),
    };

    static string Space(FeatureSpace space) => space == FeatureSpace.Backbone ? "backbone" : "projector";
}

/// <summary>The label-free metrics logged beside RankMe and ranked by <c>ssl-anomaly analyze</c> (docs/label-free.md), in report order. The monitor that logs them is <c>Monitoring.LabelFreeMonitor</c>.</summary>
public static class LabelFreeMetrics
{
    public const string LossCurve = "train/loss";

    public static readonly LabelFreeMetric RankMe = new("rankme", "RankMe", Preference.Higher, false, "Garrido et al. 2023");
    public static readonly LabelFreeMetric AlphaReq = new("alpha_req", "alpha-ReQ", Preference.NearOne, false, "Agrawal et al. 2022");
    public static readonly LabelFreeMetric Lidar = new("lidar", "LiDAR", Preference.Higher, true, "Thilak et al. 2024");
    public static readonly LabelFreeMetric NeSum = new("nesum", "NESum", Preference.Higher, false, "He and Ozay 2022");
    public static readonly LabelFreeMetric EffectiveRank = new("effective_rank", "effective rank", Preference.Higher, false, "Roy and Vetterli 2007");
    public static readonly LabelFreeMetric Alignment = new("alignment", "alignment", Preference.Lower, true, "Wang and Isola 2020");
    public static readonly LabelFreeMetric Uniformity = new("uniformity", "uniformity", Preference.Lower, true, "Wang and Isola 2020");
    public static readonly LabelFreeMetric KnnAgreement = new("knn_agreement", "kNN agreement", Preference.Higher, true, "ours");
    public static readonly LabelFreeMetric Loss = new("loss", "pretraining loss", Preference.Lower, false, "the method's own loss");

    public static readonly IReadOnlyList<LabelFreeMetric> All = [RankMe, AlphaReq, Lidar, NeSum, EffectiveRank, Alignment, Uniformity, KnnAgreement, Loss];

    public static LabelFreeMetric Get(string key) => All.FirstOrDefault(m => m.Key == key)
        ?? throw new UserInputException($"unknown label-free metric '{key}'; known: {string.Join(", ", All.Select(m => m.Key))}");
}
