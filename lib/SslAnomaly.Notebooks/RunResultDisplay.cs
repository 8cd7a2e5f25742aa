using System.Text;

namespace SslAnomaly.Notebooks;

/// <summary>A finished run (result.json) at a glance: identity, status, RankMe, probe metrics per validation share.</summary>
public static class RunResultDisplay
{
    public static readonly IReadOnlyList<string> MetricNames = [Metric.F1, Metric.F2Ciw, Metric.F1Normal, Metric.Precision, Metric.Recall];

    public static string Headline(RunResult run) =>
        $"{run.Method} · {run.Backbone} · train {run.TrainDefectPct.ToString("0.##", CultureInfo.InvariantCulture)} % defects · seed {run.Seed} · {run.Resolution} px: {run.Status.Name()}"
        + (run.FailureReason is { Length: > 0 } reason ? $" ({reason})" : "")
        + (run.Rankme is { } rankMe ? $"; RankMe {rankMe.ToString("0.##", CultureInfo.InvariantCulture)}" : "");

    /// <summary>Rows: validation shares in the paper's order; columns: the five probe metrics.</summary>
    public static TextTable MetricsTable(RunResult run)
    {
        var keys = run.Metrics.Keys.OrderBy(ImbalanceGrid.DisplayRank).ThenBy(k => k, StringComparer.Ordinal).ToList();
        var rows = keys.Select(k => (IReadOnlyList<string>)new[] { k == ImbalanceGrid.NaturalKey ? k : k + " %" }
            .Concat(MetricNames.Select(m => run.Metric(k, m) is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "")).ToList()).ToList();
        return new TextTable(["validation defects", .. MetricNames], rows, rows.Count);
    }

    /// <summary>Several runs, one row each, with the natural-split metrics.</summary>
    public static TextTable RunsTable(IEnumerable<RunResult> runs)
    {
        var all = runs.ToList();
        var rows = all.Take(Tables.MaxRows).Select(r => (IReadOnlyList<string>)new[]
        {
            r.Method, r.Backbone, r.TrainDefectPct.ToString("0.##", CultureInfo.InvariantCulture), r.Seed.ToString(CultureInfo.InvariantCulture), r.Status.Name(),
            r.Rankme?.ToString("0.##", CultureInfo.InvariantCulture) ?? "",
        }.Concat(MetricNames.Select(m => r.Metric(ImbalanceGrid.NaturalKey, m)?.ToString("0.000", CultureInfo.InvariantCulture) ?? "")).ToList()).ToList();
        return new TextTable(["method", "backbone", "train %", "seed", "status", "RankMe", .. MetricNames.Select(m => m + " (natural)")], rows, all.Count);
    }

    public static string ToHtml(RunResult run)
    {
        var s = new StringBuilder("<div class=\"ssl-run\">");
        s.Append($"<p><b>{HtmlText.Encode(Headline(run))}</b><br/><small>{HtmlText.Encode(run.RunDirectory)} · manifest {HtmlText.Encode(Short(run.ManifestSha256))}</small></p>");
        if (run.Metrics.Count > 0) s.Append(MetricsTable(run).ToHtml());
        return s.Append("</div>").ToString();
    }

    public static string ToText(RunResult run)
    {
        var s = new StringBuilder(Headline(run)).Append('\n').Append($"{run.RunDirectory} (manifest {Short(run.ManifestSha256)})");
        if (run.Metrics.Count > 0) s.Append('\n').Append(MetricsTable(run).ToText());
        return s.ToString();
    }

    static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}
