namespace SslAnomaly.Eval;

/// <summary>Stopping rules of <see cref="Lbfgs"/>.</summary>
public sealed record LbfgsOptions(int MaxIterations = 1000, double GradientTolerance = 1e-9, int History = 10, int MaxLineSearchSteps = 60);

/// <summary>Where <see cref="Lbfgs.Minimize"/> stopped and why.</summary>
public sealed record LbfgsResult(double[] X, double Value, double GradientNorm, int Iterations, int Evaluations, bool Converged, string StopReason);

/// <summary>
/// Limited-memory BFGS (Nocedal &amp; Wright, Alg. 7.4/7.5) with a backtracking Armijo line search, in
/// double precision and fully deterministic. Meant for smooth convex problems such as the L2-regularised
/// logistic probe (TorchSharp's native LBFGS has no line search, so its fixed steps need tuning per problem).
/// </summary>
public static class Lbfgs
{
    /// <summary>Objective: returns f(x) and writes its gradient into the second argument.</summary>
    public delegate double Objective(double[] x, double[] gradient);

    public static LbfgsResult Minimize(Objective objective, double[] start, LbfgsOptions? options = null)
    {
        options ??= new LbfgsOptions();
        int n = start.Length, evaluations = 1;
        var x = (double[])start.Clone();
        var g = new double[n];
        double f = objective(x, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        int stalled = 0;

        for (int iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            double gNorm = MaxAbs(g);
            if (gNorm <= options.GradientTolerance)
                return new(x, f, gNorm, iteration, evaluations, true, "gradient below tolerance");

            var d = TwoLoopDirection(g, s, y, rho);
            double slope = Dot(g, d);
            if (!(slope < 0))
            {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                s.Clear(); y.Clear(); rho.Clear();
                for (int i = 0; i < n; i++) d[i] = -g[i];
                slope = -Dot(g, g);
            }
            // Without curvature information, a first step of unit length in x.
            double step = s.Count == 0 ? Math.Min(1, 1 / Math.Sqrt(-slope)) : 1;

            var xNew = new double[n];
            var gNew = new double[n];
            double fNew = double.NaN;
            bool accepted = false;
            for (int trial = 0; trial < options.MaxLineSearchSteps; trial++, step *= 0.5)
            {
                for (int i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
                fNew = objective(xNew, gNew);
                evaluations++;
                if (fNew <= f + 1e-4 * step * slope) { accepted = true; break; }
            }
            // At the optimum, rounding makes f flat: stop once steps no longer decrease it.
            stalled = accepted && fNew < f ? 0 : stalled + 1;
            if (!accepted || stalled >= 3)
                return new(x, f, gNorm, iteration, evaluations, false, "no further decrease (floating-point precision reached)");

            var sk = new double[n];
            var yk = new double[n];
            for (int i = 0; i < n; i++) { sk[i] = xNew[i] - x[i]; yk[i] = gNew[i] - g[i]; }
            double sy = Dot(sk, yk);
            if (sy > 1e-12 * Math.Sqrt(Dot(sk, sk) * Dot(yk, yk)))
            {
                // Keep the pair only with positive curvature, so the implicit Hessian stays positive definite.
                if (s.Count == options.History) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1 / sy);
            }
            x = xNew; g = gNew; f = fNew;
        }
        return new(x, f, MaxAbs(g), options.MaxIterations, evaluations, MaxAbs(g) <= options.GradientTolerance, "iteration limit");
    }

    /// <summary>-H g by the two-loop recursion, H0 = (s'y / y'y) I from the newest pair.</summary>
    static double[] TwoLoopDirection(double[] g, List<double[]> s, List<double[]> y, List<double> rho)
    {
        var q = (double[])g.Clone();
        var alpha = new double[s.Count];
        for (int k = s.Count - 1; k >= 0; k--)
        {
            alpha[k] = rho[k] * Dot(s[k], q);
            Axpy(-alpha[k], y[k], q);
        }
        double gamma = s.Count == 0 ? 1 : Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]);
        for (int i = 0; i < q.Length; i++) q[i] *= gamma;
        for (int k = 0; k < s.Count; k++)
        {
            double beta = rho[k] * Dot(y[k], q);
            Axpy(alpha[k] - beta, s[k], q);
        }
        for (int i = 0; i < q.Length; i++) q[i] = -q[i];
        return q;
    }

    static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += a * x[i];
    }

    static double MaxAbs(double[] v) => v.Length == 0 ? 0 : v.Max(Math.Abs);
}
