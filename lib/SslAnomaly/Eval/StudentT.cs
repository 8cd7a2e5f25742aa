namespace SslAnomaly.Eval;

/// <summary>
/// Student's t distribution: its two-sided tail probability and quantile, for tests over a handful of seeds where a
/// bootstrap cannot work (three seeds give ten distinct resamples). The CDF is the regularized incomplete beta function,
/// evaluated by its continued fraction (modified Lentz), with ln Gamma by Lanczos' approximation (g = 7, nine terms).
/// </summary>
public static class StudentT
{
    /// <summary>P(|T| &gt;= |t|) for T ~ t(<paramref name="degreesOfFreedom"/>).</summary>
    public static double TwoSidedP(double t, double degreesOfFreedom)
    {
        if (degreesOfFreedom <= 0) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "must be positive");
        if (double.IsNaN(t)) return double.NaN;
        if (double.IsInfinity(t)) return 0;
        double x = degreesOfFreedom / (degreesOfFreedom + t * t);
        return Math.Clamp(RegularizedIncompleteBeta(degreesOfFreedom / 2, 0.5, x), 0, 1);
    }

    /// <summary>The t with P(T &lt;= t) = <paramref name="probability"/>, by bisection on <see cref="TwoSidedP"/> (to 1e-12).</summary>
    public static double Quantile(double probability, double degreesOfFreedom)
    {
        if (probability is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(probability), probability, "must lie in (0, 1)");
        if (probability == 0.5) return 0;
        double tail = 2 * Math.Min(probability, 1 - probability);
        double low = 0, high = 1;
        while (TwoSidedP(high, degreesOfFreedom) > tail) high *= 2;
        for (int i = 0; i < 200 && high - low > 1e-12 * Math.Max(1, high); i++)
        {
            double mid = (low + high) / 2;
            if (TwoSidedP(mid, degreesOfFreedom) > tail) low = mid; else high = mid;
        }
        double t = (low + high) / 2;
        return probability > 0.5 ? t : -t;
    }

    /// <summary>I_x(a, b), the regularized incomplete beta function.</summary>
    internal static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        // The continued fraction converges fast for x below the mean; the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) covers the rest.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    static double BetaContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300, epsilon = 1e-15;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 500; m++)
        {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + even / c; if (Math.Abs(c) < tiny) c = tiny;
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d; d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + odd / c; if (Math.Abs(c) < tiny) c = tiny;
            double step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < epsilon) return h;
        }
        return h;
    }

    static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    internal static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        double sum = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
