namespace SslAnomaly.Tests.Eval;

public class BenjaminiHochbergTests
{
    [Fact]
    public void Q_values_match_a_hand_computed_case()
    {
        // m = 4 defined p-values (the NaN is no test). Ranked: 0.01 (1), 0.03 (2), 0.04 (3), 0.20 (4); p m / rank:
        // 0.04, 0.06, 0.0533, 0.20; the running minimum from the top gives 0.04, 0.0533, 0.0533, 0.20 (R's p.adjust "BH").
        var q = BenjaminiHochberg.QValues([0.01, 0.04, 0.03, 0.20, double.NaN]);
        Assert.Equal(0.04, q[0], 12);
        Assert.Equal(0.16 / 3, q[1], 12);
        Assert.Equal(0.16 / 3, q[2], 12);
        Assert.Equal(0.20, q[3], 12);
        Assert.True(double.IsNaN(q[4]));
        // One test is its own family; large p-values share the last one's q.
        Assert.Equal([0.03], BenjaminiHochberg.QValues([0.03]));
        Assert.Equal([0.9, 0.9], BenjaminiHochberg.QValues([0.9, 0.8]));
        Assert.Empty(BenjaminiHochberg.QValues([]));
    }

    [Fact]
    public void Q_values_keep_the_order_of_p_never_fall_below_it_and_do_not_depend_on_input_order()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            var p = Enumerable.Range(0, 1 + random.Next(40)).Select(_ => random.Next(4) == 0 ? Math.Round(random.NextDouble(), 1) : random.NextDouble()).ToArray();
            var q = BenjaminiHochberg.QValues(p);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.InRange(q[i], p[i], 1);
                for (int j = 0; j < p.Length; j++)
                    if (p[i] <= p[j]) Assert.True(q[i] <= q[j], $"p {p[i]} <= {p[j]} but q {q[i]} > {q[j]}");
            }
            var order = Enumerable.Range(0, p.Length).OrderBy(_ => random.Next()).ToArray();
            var shuffled = BenjaminiHochberg.QValues(order.Select(i => p[i]).ToArray());
            for (int k = 0; k < order.Length; k++) Assert.Equal(q[order[k]], shuffled[k], 15);
        }
    }

    [Fact]
    public void P_values_outside_0_1_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BenjaminiHochberg.QValues([0.5, 1.5]));
}
