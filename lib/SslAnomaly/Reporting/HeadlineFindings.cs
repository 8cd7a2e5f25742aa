using System.Globalization;
using System.Text;
using SslAnomaly.Eval;
using SslAnomaly.Methods;

namespace SslAnomaly.Reporting;

/// <summary>One sentence of the headline and the run folders whose numbers it quotes.</summary>
public sealed record HeadlineSentence(string Text, IReadOnlyList<string> Runs);

/// <summary>
/// The study's answer in three sentences beside <see cref="HeadlineFigure"/>, computed from the same Table 1 cells (probe
/// F1 on the natural subset of the reported split, ResNet-18), so that no number in them is typed by hand: (1) how many
/// self-supervised methods beat, match or fall below the random-init floor at the highest and at the lowest train share,
/// by the two-sided verdicts of Table 1's family; (2) how the best self-supervised cell and the floor move from the
/// highest share to the lowest; (3) how far the supervised ceiling sits above the best self-supervised cell. Each quotes
/// its cells with their 95 % intervals and names the run folders they come from. Sentences whose cells the runs lack are
/// left out, so a partial study says less rather than something untrue.
/// </summary>
public static class HeadlineFindings
{
    public const string MarkdownFile = "headline.md";

    /// <param name="table">Table 1's rows on the reported split (<see cref="Table1.Build"/>).</param>
    /// <param name="runsOf">The run folder names behind a cell: (method, train share) on <paramref name="backbone"/>.</param>
    public static IReadOnlyList<HeadlineSentence> Compute(IReadOnlyList<Table1Row> table, string split,
        Func<string, double, IReadOnlyList<string>> runsOf, string backbone = HeadlineFigure.Backbone)
    {
        var cells = HeadlineFigure.Cells(table, backbone);
        var ssl = cells.Where(c => MethodRegistry.IsSelfSupervised(c.Method)).ToList();
        var floor = cells.Where(c => MethodRegistry.KindOf(c.Method) == MethodKind.Floor).ToList();
        var ceiling = cells.Where(c => MethodRegistry.KindOf(c.Method) == MethodKind.Supervised).ToList();
        var shares = ssl.Select(c => c.TrainDefectPct).Distinct().Order().ToList();
        var sentences = new List<HeadlineSentence>();
        if (shares.Count == 0) return sentences;
        double high = shares[^1], low = shares[0];

        IReadOnlyList<string> Runs(IEnumerable<Table1Row> rows) => rows.SelectMany(r => runsOf(r.Method, r.TrainDefectPct)).Distinct().Order(StringComparer.Ordinal).ToList();
        Table1Row? FloorAt(double share) => floor.FirstOrDefault(c => c.TrainDefectPct == share);
        Table1Row? BestAt(double share) => ssl.Where(c => c.TrainDefectPct == share).MaxBy(c => c.Ours);

        // 1: the two-sided verdicts against the floor at both ends of the imbalance range.
        var judged = new List<Table1Row>();
        var parts = new List<string>();
        foreach (var share in high == low ? [high] : new[] { high, low })
        {
            var at = ssl.Where(c => c.TrainDefectPct == share).ToList();
            var better = at.Where(c => c.Floor == FloorVerdict.Better).ToList();
            var worse = at.Where(c => c.Floor == FloorVerdict.Worse).ToList();
            var tied = at.Where(c => c.Floor == FloorVerdict.CannotTell).ToList();
            int untested = at.Count - better.Count - worse.Count - tied.Count;
            var floorCell = FloorAt(share);
            var s = new StringBuilder($"at {Pct(share)} defects {better.Count} of {at.Count} self-supervised methods beat the random-init floor");
            if (floorCell is not null) s.Append($" ({Cell(floorCell)})");
            if (better.Count > 0) s.Append($": {string.Join(", ", better.Select(c => $"{Name(c.Method)} {Cell(c)}"))}");
            s.Append($"; {worse.Count} {(worse.Count == 1 ? "is" : "are")} worse{Names(worse)} and {tied.Count} cannot be told apart from it{Names(tied)}");
            if (untested > 0) s.Append($" ({untested} not tested)");
            parts.Add(s.ToString());
            judged.AddRange(at);
            if (floorCell is not null) judged.Add(floorCell);
        }
        sentences.Add(new($"On {backbone}, by probe F1 on the {split} split, {string.Join("; ", parts)} (two-sided tests at 95 %, Benjamini-Hochberg q over Table 1's family).",
            Runs(judged)));

        // 2: the best self-supervised cell and the floor from the highest share to the lowest.
        if (high != low && BestAt(high) is { } bestHigh && BestAt(low) is { } bestLow)
        {
            var s = new StringBuilder($"From {Pct(high)} to {Pct(low)} defects in pretraining, the best self-supervised F1 {Moves(bestHigh.Ours!.Value, bestLow.Ours!.Value)} " +
                                      $"from {Cell(bestHigh)} ({Name(bestHigh.Method)}) to {Cell(bestLow)} ({Name(bestLow.Method)})");
            var used = new List<Table1Row> { bestHigh, bestLow };
            if (FloorAt(high) is { } floorHigh && FloorAt(low) is { } floorLow)
            {
                s.Append($", the floor's from {Cell(floorHigh)} to {Cell(floorLow)}");
                used.AddRange([floorHigh, floorLow]);
            }
            sentences.Add(new(s.Append('.').ToString(), Runs(used)));
        }

        // 3: the gap to labels at both ends.
        var gaps = new List<string>();
        var gapCells = new List<Table1Row>();
        foreach (var share in high == low ? [high] : new[] { high, low })
            if (ceiling.FirstOrDefault(c => c.TrainDefectPct == share) is { } top && BestAt(share) is { } best)
            {
                gaps.Add($"{Cell(top)} at {Pct(share)}, {Signed(top.Ours!.Value - best.Ours!.Value)} against the best self-supervised method ({Name(best.Method)})");
                gapCells.AddRange([top, best]);
            }
        if (gaps.Count > 0)
            sentences.Add(new($"The supervised ceiling, trained on the same images with their labels, reaches {string.Join(", and ", gaps)}.", Runs(gapCells)));
        return sentences;
    }

    /// <summary>The sentences as markdown, each followed by the run folders it quotes.</summary>
    public static string ToMarkdown(IReadOnlyList<HeadlineSentence> sentences, string runsFolder)
    {
        var s = new StringBuilder();
        foreach (var sentence in sentences)
        {
            s.AppendLine(sentence.Text);
            s.AppendLine($"<sub>Runs: {string.Join(", ", sentence.Runs.Select(r => $"`{runsFolder}/{r}`"))}.</sub>");
            s.AppendLine();
        }
        return s.ToString();
    }

    static string Name(string method) => MethodRegistry.Find(method)?.PaperName ?? method;

    static string Names(IReadOnlyList<Table1Row> rows) => rows.Count == 0 ? "" : $" ({string.Join(", ", rows.Select(r => Name(r.Method)))})";

    static string Cell(Table1Row c) => c.Low is { } lo && c.High is { } hi
        ? string.Create(CultureInfo.InvariantCulture, $"{c.Ours:0.000} [{lo:0.000}, {hi:0.000}]")
        : string.Create(CultureInfo.InvariantCulture, $"{c.Ours:0.000} (no interval)");

    static string Pct(double share) => share.ToString("0.##", CultureInfo.InvariantCulture) + " %";

    static string Signed(double d) => d.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    static string Moves(double from, double to) => to < from ? "falls" : to > from ? "rises" : "stays";
}
