using SslAnomaly.Eval.OneClass;
using static SslAnomaly.Tests.Eval.OneClass.OneClassData;

namespace SslAnomaly.Tests.Eval.OneClass;

public class LabelEfficiencyTests
{
    // 1,000 images, 50 defects (5 %): 10 defects come with 190 normals, 30 with 570; 100 and 300 exceed the defects.
    static readonly GroundTruth Truth = new(Enumerable.Range(0, 1000).Select(i => i % 20 == 3).ToArray());

    [Fact]
    public void Budgets_have_the_right_counts_and_keep_the_probe_sets_defect_share()
    {
        var budgets = LabelEfficiency.Draw(Truth, [30, 10, 100, 300], seed: 0);
        Assert.Equal(["10", "30", LabelEfficiency.AllKey], budgets.Select(b => b.Key));
        Assert.Equal([(10, 190), (30, 570), (50, 950)], budgets.Select(b => (b.Defects, b.Normals)));
        foreach (var b in budgets)
        {
            Assert.Equal(b.Defects, b.Rows.Count(i => Truth.Defect[i]));
            Assert.Equal(b.Normals, b.Rows.Count(i => !Truth.Defect[i]));
            Assert.Equal(b.Rows.Order(), b.Rows);
            Assert.Equal(b.Rows.Count, b.Rows.Distinct().Count());
        }
        Assert.Equal(Enumerable.Range(0, 1000), budgets[^1].Rows);
    }

    [Fact]
    public void Draws_are_nested_and_seeded()
    {
        var budgets = LabelEfficiency.Draw(Truth, [10, 20, 30, 40], seed: 5);
        for (int i = 1; i < budgets.Count; i++) Assert.Subset(budgets[i].Rows.ToHashSet(), budgets[i - 1].Rows.ToHashSet());
        var again = LabelEfficiency.Draw(Truth, [10, 20, 30, 40], seed: 5);
        Assert.Equal(budgets.Select(b => b.Rows), again.Select(b => b.Rows));
        Assert.NotEqual(budgets[0].Rows, LabelEfficiency.Draw(Truth, [10], seed: 6)[0].Rows);
        // A budget's draw does not depend on which other budgets are asked for.
        Assert.Equal(budgets[1].Rows, LabelEfficiency.Draw(Truth, [20], seed: 5)[0].Rows);
    }

    [Fact]
    public void A_rare_class_still_gets_one_row_and_a_set_without_defects_only_gets_all()
    {
        var rare = new GroundTruth(Enumerable.Range(0, 100).Select(i => i != 0).ToArray());   // 99 defects, 1 normal
        Assert.Equal((10, 1), LabelEfficiency.Draw(rare, [10], seed: 0)[0] is var b ? (b.Defects, b.Normals) : default);
        Assert.Equal([LabelEfficiency.AllKey], LabelEfficiency.Draw(new GroundTruth(new bool[10]), [10], seed: 0).Select(x => x.Key));
    }

    [Fact]
    public void The_all_budget_is_the_runs_probe_bit_for_bit_and_smaller_budgets_train_on_their_rows()
    {
        var train = Synthetic(400, 0.1, 8, seed: 3);
        var full = LinearProbe.Train(train);
        var probes = LabelEfficiency.Train(train, [10, 30], seed: 0);
        Assert.Equal(full.Weights, probes[^1].Probe.Weights);
        Assert.Same(full, LabelEfficiency.Train(train, [10], seed: 0, fullProbe: full)[^1].Probe);
        var ten = probes[0];
        Assert.Equal(LinearProbe.Train(train.Select(ten.Budget.Rows)).Weights, ten.Probe.Weights);
        Assert.Equal(LinearProbe.PositiveWeightFor(10, 10 + 90), ten.Probe.PositiveWeight, 1e-12);
    }
}
