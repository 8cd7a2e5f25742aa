using SslAnomaly.Eval;
using SslAnomaly.Reporting;

namespace SslAnomaly.Tests.Reporting;

/// <summary>
/// The headline sentences say what Table 1's ResNet-18 F1 cells say, with their verdicts and intervals, name the run
/// folders behind every number, and leave out what the runs cannot support.
/// </summary>
public class HeadlineFindingsTests
{
    static Table1Row F1(string method, double share, double value, FloorVerdict? verdict = null, string backbone = "resnet18") =>
        new("f1", method, backbone, share, value, 1, null) { Low = value - 0.02, High = value + 0.02, Floor = verdict };

    static IReadOnlyList<string> RunsOf(string method, double share) => [$"{method}-resnet18-t{share}-s0"];

    [Fact]
    public void Three_sentences_quote_the_verdicts_the_trend_and_the_gap_to_labels_with_their_runs()
    {
        var table = new List<Table1Row>
        {
            F1("simclr", 45, 0.700, FloorVerdict.Better), F1("byol", 45, 0.640, FloorVerdict.CannotTell), F1("dino", 45, 0.500, FloorVerdict.Worse),
            F1("simclr", 1, 0.150, FloorVerdict.CannotTell), F1("byol", 1, 0.160, FloorVerdict.CannotTell), F1("dino", 1, 0.100, FloorVerdict.Worse),
            F1("random-init", 45, 0.630), F1("random-init", 1, 0.120),
            F1("supervised", 45, 0.860), F1("supervised", 1, 0.380),
            F1("simclr", 45, 0.990, FloorVerdict.Better, backbone: "vit-tiny"), // another backbone: not in the headline
            new("f1", "always-defect", "resnet18", 45, 0.640, 0, null),         // sees no image: not a method of the headline
            new("auprc", "simclr", "resnet18", 45, 0.900, 1, null),             // another metric
        };
        var sentences = HeadlineFindings.Compute(table, "test", RunsOf);
        Assert.Equal(3, sentences.Count);

        Assert.Equal("On resnet18, by probe F1 on the test split, at 45 % defects 1 of 3 self-supervised methods beat the random-init floor " +
                     "(0.630 [0.610, 0.650]): SimCLR 0.700 [0.680, 0.720]; 1 is worse (DINO) and 1 cannot be told apart from it (BYOL); " +
                     "at 1 % defects 0 of 3 self-supervised methods beat the random-init floor (0.120 [0.100, 0.140]); 1 is worse (DINO) and " +
                     "2 cannot be told apart from it (SimCLR, BYOL) (two-sided tests at 95 %, Benjamini-Hochberg q over Table 1's family).",
            sentences[0].Text);
        Assert.Equal(["byol-resnet18-t1-s0", "byol-resnet18-t45-s0", "dino-resnet18-t1-s0", "dino-resnet18-t45-s0", "random-init-resnet18-t1-s0",
                      "random-init-resnet18-t45-s0", "simclr-resnet18-t1-s0", "simclr-resnet18-t45-s0"], sentences[0].Runs);

        Assert.Equal("From 45 % to 1 % defects in pretraining, the best self-supervised F1 falls from 0.700 [0.680, 0.720] (SimCLR) to " +
                     "0.160 [0.140, 0.180] (BYOL), the floor's from 0.630 [0.610, 0.650] to 0.120 [0.100, 0.140].", sentences[1].Text);
        Assert.Equal(["byol-resnet18-t1-s0", "random-init-resnet18-t1-s0", "random-init-resnet18-t45-s0", "simclr-resnet18-t45-s0"], sentences[1].Runs);

        Assert.Equal("The supervised ceiling, trained on the same images with their labels, reaches 0.860 [0.840, 0.880] at 45 %, +0.160 against the best " +
                     "self-supervised method (SimCLR), and 0.380 [0.360, 0.400] at 1 %, +0.220 against the best self-supervised method (BYOL).", sentences[2].Text);
        Assert.Equal(["byol-resnet18-t1-s0", "simclr-resnet18-t45-s0", "supervised-resnet18-t1-s0", "supervised-resnet18-t45-s0"], sentences[2].Runs);

        var markdown = HeadlineFindings.ToMarkdown(sentences, "results/standard/runs");
        Assert.Contains("<sub>Runs: `results/standard/runs/byol-resnet18-t1-s0`, `results/standard/runs/random-init-resnet18-t1-s0`", markdown);
    }

    [Fact]
    public void A_partial_study_says_only_what_its_cells_support()
    {
        // One share, no ceiling, an untested cell: one sentence, no trend, no gap.
        var one = HeadlineFindings.Compute([F1("simclr", 45, 0.700), F1("byol", 45, 0.640, FloorVerdict.Better)], "validation", RunsOf);
        var sentence = Assert.Single(one);
        Assert.Equal("On resnet18, by probe F1 on the validation split, at 45 % defects 1 of 2 self-supervised methods beat the random-init floor: " +
                     "BYOL 0.640 [0.620, 0.660]; 0 are worse and 0 cannot be told apart from it (1 not tested) " +
                     "(two-sided tests at 95 %, Benjamini-Hochberg q over Table 1's family).", sentence.Text);
        Assert.Empty(HeadlineFindings.Compute([F1("random-init", 45, 0.63), F1("supervised", 45, 0.86)], "test", RunsOf));
        // Without intervals the cell says so rather than printing a bare number as if it had one.
        var bare = new Table1Row("f1", "simclr", "resnet18", 5, 0.5, 1, null) { Floor = FloorVerdict.Better };
        Assert.Contains("SimCLR 0.500 (no interval)", Assert.Single(HeadlineFindings.Compute([bare], "test", RunsOf)).Text);
    }
}
