namespace SslAnomaly.Tests.Support;

/// <summary>Finished runs built in memory for tests of the readers (Table 1, figures, notebook views): only what they look at.</summary>
public static class RunResults
{
    public static RunResult Of(string method, string backbone, double trainDefectPct, IReadOnlyDictionary<string, MetricsReport>? metrics = null,
        int seed = 0, int resolution = 32, RunStatus status = RunStatus.Completed, double? rankMe = null, string runDirectory = "/r") => new()
    {
        Status = status, Method = method, Backbone = backbone, TrainDefectPct = trainDefectPct, ProbeDefectPct = trainDefectPct,
        Seed = seed, Resolution = resolution, Profile = Profiles.Smoke, ManifestSha256 = "", ConfigSha256 = "",
        Rankme = rankMe, Metrics = metrics ?? new Dictionary<string, MetricsReport>(), RunDirectory = runDirectory,
    };

    /// <summary>One validation subset's metrics; what a test does not name is 0 (f2_ciw, auroc, auprc: undefined).</summary>
    public static MetricsReport Metrics(double f1 = 0, double? f2Ciw = null, double f1Normal = 0, double precision = 0, double recall = 0, double f2 = 0) => new()
    {
        F1 = f1, F2Ciw = f2Ciw, F1Normal = f1Normal, Precision = precision, Recall = recall, F2 = f2,
        Auroc = null, Auprc = null, N = 0, Positives = 0, DefectPct = 0,
    };
}
