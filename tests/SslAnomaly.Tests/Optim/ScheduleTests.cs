using SslAnomaly.Optim;

namespace SslAnomaly.Tests.Optim;

public class ScheduleTests
{
    [Fact]
    public void Warmup_rises_linearly_to_the_base_rate_then_cosine_anneals_to_the_minimum()
    {
        var s = new WarmupCosine(BaseLr: 1.0, WarmupSteps: 5, TotalSteps: 105, MinLr: 0.1, WarmupStartLr: 0.2);
        Assert.Equal(0.2, s.At(0), 12);
        Assert.Equal(0.4, s.At(1), 12);
        Assert.Equal(1.0, s.At(4), 12);            // last warm-up step reaches the base rate
        Assert.Equal(1.0, s.At(5), 12);            // cosine starts at the base rate
        Assert.Equal(0.55, s.At(55), 12);          // half-way: (base + min) / 2
        Assert.Equal(0.1 + 0.45 * (1 + Math.Cos(Math.PI * 0.25)), s.At(30), 12);
        Assert.Equal(0.1, s.At(105), 12);
        for (long k = 6; k < 105; k++) Assert.True(s.At(k) < s.At(k - 1));
    }

    [Fact]
    public void No_warmup_starts_at_the_base_rate()
    {
        var s = new WarmupCosine(0.5, 0, 10);
        Assert.Equal(0.5, s.At(0), 12);
        Assert.Equal(0.25, s.At(5), 12);
        Assert.Equal(0.5, new WarmupCosine(0.5, 1, 10).At(0), 12);
    }

    [Fact]
    public void Ema_momentum_follows_the_byol_cosine_from_tau0_to_one()
    {
        var s = new MomentumSchedule(0.99, 1.0, 100);
        Assert.Equal(0.99, s.At(0), 12);
        Assert.Equal(0.995, s.At(50), 12);
        Assert.Equal(1 - 0.01 * (Math.Cos(Math.PI * 0.25) + 1) / 2, s.At(25), 12);
        Assert.Equal(1.0, s.At(100), 12);
        var dino = new MomentumSchedule(0.996, 1.0, 10);
        Assert.Equal(0.996, dino.At(0), 12);
        Assert.True(dino.At(9) > 0.9999);
    }
}
