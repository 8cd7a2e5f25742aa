using SslAnomaly.Data;
using SslAnomaly.Eval;
using SslAnomaly.Experiments;
using SslAnomaly.Reporting;

namespace SslAnomaly.Analysis;

/// <summary>How a probe's scores become decisions when the field's defect share is unknown.</summary>
public enum DecisionRule
{
    /// <summary>p &gt;= 0.5 as trained (the paper's and result.json's rule).</summary>
    AsTrained,
    /// <summary>Posteriors moved to the EM estimate of the subset's defect share (no labels), then p &gt;= 0.5.</summary>
    EmAdjusted,
    /// <summary>Posteriors moved to the subset's true defect share, then p &gt;= 0.5: what a perfect estimate would give.</summary>
    TruePriorAdjusted,
    /// <summary>The threshold of largest F2 on the probe's own training scores (no validation labels).</summary>
    F2ThresholdOnProbeSet,
}

/// <summary>One run's probe on one validation subset under one decision rule.</summary>
public sealed record PriorShiftRow(string Run, string Method, string Backbone, string ValidationKey, double TrueShare, double EstimatedShare,
    DecisionRule Rule, double F1, double Precision, double Recall);

/// <summary>Mean over runs of one rule at one validation key.</summary>
public sealed record PriorShiftSummary(string ValidationKey, DecisionRule Rule, int Runs, double TrueShare, double EstimatedShare, double F1, double Precision, double Recall);

/// <summary>
/// Evaluation when the defect share in the field is unknown (the paper's second open problem), from what a finished run leaves:
/// the probe's probabilities and the labels on the split the run is read on (predictions-test.csv and truth-test.csv, or
/// their validation twins), that split's subset manifests, and predictions-probe.csv.
/// The probe is trained with pos_weight (1-p)/p, so both classes carry equal weight and its probabilities are posteriors
/// under an effective training prior of 0.5 (<see cref="PriorShift.WeightedProbePrior"/>), not the probe set's share:
/// the EM estimate and the logit shift log(pi/0.5) - log((1-pi)/0.5) start from 0.5. That is also why the probe predicts
/// too many defects on a 1 % subset: it decides as if half the images were defective.
/// </summary>
public static class PriorShiftStudy
{
    public static IReadOnlyList<PriorShiftRow> Evaluate(IEnumerable<AnalysisRun> runs)
    {
        var rows = new List<PriorShiftRow>();
        foreach (var run in runs.Where(r => r.Summary.IsCompleted && r.Summary.Reference is null))
            rows.AddRange(EvaluateRun(run));
        return rows;
    }

    public static IReadOnlyList<PriorShiftRow> EvaluateRun(AnalysisRun run)
    {
        string dir = run.Summary.RunDirectory;
        var scored = RunScores.Read(run.Summary, "the prior-shift study needs the probe's predictions of every completed run");
        double? threshold = F2Threshold(dir);

        var rows = new List<PriorShiftRow>();
        foreach (var key in ImbalanceGrid.ValidationKeys)
        {
            if (scored.Subset(key) is not { Images.Count: > 0 } subset) continue;
            var t = subset.Truth;
            var p = subset.Scores.Defect;
            double share = (double)t.Positives / t.Count;
            var estimate = PriorShift.EstimatePrior(p);
            void Add(DecisionRule rule, DefectMetrics m) =>
                rows.Add(new PriorShiftRow(run.Label, run.Method, run.Backbone, key, share, estimate.Prior, rule, m.F1, m.Precision, m.Recall));
            Add(DecisionRule.AsTrained, DefectMetrics.Compute(t, DefectScores.Binary(p)));
            Add(DecisionRule.EmAdjusted, DefectMetrics.Compute(t, DefectScores.Binary(estimate.AdjustedPosteriors)));
            if (share > 0 && share < 1) Add(DecisionRule.TruePriorAdjusted, DefectMetrics.Compute(t, DefectScores.Binary(PriorShift.Reweight(p, share))));
            if (threshold is { } th) Add(DecisionRule.F2ThresholdOnProbeSet, DefectMetrics.Compute(t, DefectScores.Binary(p), th));
        }
        return rows;
    }

    /// <summary>The F2-maximising threshold on the probe's training scores; null for runs written before predictions-probe.csv existed.</summary>
    static double? F2Threshold(string dir)
    {
        var path = Path.Combine(dir, "predictions-probe.csv");
        var manifest = Directory.Exists(Path.Combine(dir, "manifests"))
            ? Directory.GetFiles(Path.Combine(dir, "manifests"), "probe-*.json").Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (!File.Exists(path) || manifest is null) return null;
        var probeSet = Manifest.Read(manifest);
        var predictions = PredictionCsv.Read(path);
        var labels = probeSet.Filenames.Select((f, i) => (f, l: probeSet.Labels[i])).ToDictionary(p => p.f, p => p.l, StringComparer.Ordinal);
        var missing = predictions.Filenames.FirstOrDefault(f => !labels.ContainsKey(f));
        if (missing is not null) throw new UserInputException($"{path}: {missing} is not in the probe manifest {manifest}.");
        return ThresholdSelection.MaximiseFBeta(predictions.Filenames.Select(f => labels[f]).ToArray(), predictions.Scores.Defect).Threshold;
    }

    public static IReadOnlyList<PriorShiftSummary> Summarise(IReadOnlyList<PriorShiftRow> rows) =>
        rows.GroupBy(r => (r.ValidationKey, r.Rule))
            .OrderBy(g => ImbalanceGrid.DisplayRank(g.Key.ValidationKey)).ThenBy(g => g.Key.Rule)
            .Select(g => new PriorShiftSummary(g.Key.ValidationKey, g.Key.Rule, g.Count(), g.Average(r => r.TrueShare), g.Average(r => r.EstimatedShare),
                g.Average(r => r.F1), g.Average(r => r.Precision), g.Average(r => r.Recall))).ToList();

    public static string Display(DecisionRule rule) => rule switch
    {
        DecisionRule.AsTrained => "p >= 0.5 as trained",
        DecisionRule.EmAdjusted => "EM-estimated prior, logit-adjusted",
        DecisionRule.TruePriorAdjusted => "true prior, logit-adjusted (oracle)",
        _ => "F2-best threshold on the probe set",
    };
}
