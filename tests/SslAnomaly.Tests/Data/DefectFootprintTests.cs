using SslAnomaly.Data.Synthetic;

namespace SslAnomaly.Tests.Data;

public class DefectFootprintTests
{
    [Fact]
    public void A_larger_defect_scale_draws_every_class_larger_and_scale_one_is_generator_v1()
    {
        foreach (var code in SewerMlCodes.Codes)
        {
            var v1 = DefectFootprint.Measure(code, 64, 1, frames: 3);
            var large = DefectFootprint.Measure(code, 64, 2.5, frames: 3);
            Assert.True(v1.MedianPixels > 0, $"{code} changes no pixel");
            // A thicker deposit bed (AF) sits higher, so it is seen nearer the vanishing point: its area stays about the same.
            if (code == "AF") Assert.InRange(large.MedianPixels / v1.MedianPixels, 0.6, 1.6);
            else Assert.True(large.MedianPixels > v1.MedianPixels, $"{code}: {large.MedianPixels} px at 2.5x, {v1.MedianPixels} px at 1x");
            Assert.InRange(large.FrameShare, 0, 0.6);
        }
        // Scale 1 renders the same bytes as the generator without the knob (the committed manifests depend on v1).
        Assert.Equal(SyntheticSewer.RenderRgb(0, SewerMlSplit.Train, 3, 48), SyntheticSewer.RenderRgb(0, SewerMlSplit.Train, 3, 48, 1.0));
        Assert.NotEqual(SyntheticSewer.RenderRgb(0, SewerMlSplit.Train, 1, 48), SyntheticSewer.RenderRgb(0, SewerMlSplit.Train, 1, 48, 2.5));
    }

    [Fact]
    public void A_crack_covers_a_similar_share_of_the_frame_at_64_and_128_px()
    {
        // Geometry is given in fractions of the frame: only anti-aliasing changes with the resolution.
        var at64 = DefectFootprint.Measure("RB", 64, 2.5, frames: 4);
        var at128 = DefectFootprint.Measure("RB", 128, 2.5, frames: 4);
        Assert.InRange(at64.FrameShare / at128.FrameShare, 0.5, 2.0);
        Assert.True(at128.MedianPixels > 2 * at64.MedianPixels);
    }
}

public class PerClassRecallTests
{
    [Fact]
    public void Recall_per_code_counts_frames_of_that_code_at_or_above_the_threshold()
    {
        using var dir = new TempDir();
        var codes = new bool[4, SewerMlCodes.Codes.Count];
        codes[0, SewerMlCodes.IndexOf("RB")] = true;
        codes[1, SewerMlCodes.IndexOf("RB")] = true;
        codes[1, SewerMlCodes.IndexOf("FS")] = true;
        codes[2, SewerMlCodes.IndexOf("FS")] = true;
        var truth = new SewerMlTable("truth.csv", ["a.png", "b.png", "c.png", "d.png"], [true, true, true, false], codes, null);
        var predictions = new PredictionTable("p.csv", ["d.png", "c.png", "b.png", "a.png"], DefectScores.Binary([0.9, 0.2, 0.5, 0.1]));
        var recall = PerClassRecall.Compute(truth, predictions).ToDictionary(r => r.Code);
        Assert.Equal((2, 1, 0.5), (recall["RB"].Frames, recall["RB"].Flagged, recall["RB"].Recall)); // b flagged at exactly 0.5, a not
        Assert.Equal((2, 1, 0.5), (recall["FS"].Frames, recall["FS"].Flagged, recall["FS"].Recall));
        Assert.Equal(0, recall["OK"].Frames);
        Assert.True(double.IsNaN(recall["OK"].Recall));
        Assert.True(recall["RB"].Interval.Low < 0.5 && recall["RB"].Interval.High > 0.5);
    }

    [Fact]
    public void Wilson_interval_matches_the_closed_form()
    {
        // 8 of 10: Wilson 95 % interval [0.4902, 0.9433] (statsmodels proportion_confint(8, 10, method="wilson")).
        var ci = PerClassRecall.Wilson(8, 10);
        Assert.Equal(0.4902, ci.Low, 4);
        Assert.Equal(0.9433, ci.High, 4);
    }
}
