namespace SslAnomaly.Numerics;

/// <summary>
/// The ops one run (or test) used, each with its verdict, from <see cref="KernelGuard.Record"/> until disposed: what
/// result.json's numerics section and `doctor` report. Ops that other runs of the same process use are not in it.
/// </summary>
public sealed class KernelRecording : IDisposable
{
    readonly object gate = new();
    readonly Dictionary<string, (KernelOp Op, OpVerdict Verdict)> used = new(StringComparer.Ordinal);
    readonly Action<string>? log;
    readonly Action<KernelRecording?> restore;
    int checkedNow;
    double checkSeconds;
    string cacheFile = "";
    bool disposed;

    internal KernelRecording(KernelRecording? parent, Action<string>? log, Action<KernelRecording?> restore)
    {
        Parent = parent;
        this.log = log;
        this.restore = restore;
    }

    internal KernelRecording? Parent { get; }

    internal void Add(KernelOp op, OpVerdict verdict, bool checkedNow, string file)
    {
        lock (gate)
        {
            if (!used.TryAdd(verdict.Op, (op, verdict))) return;
            cacheFile = file;
            if (checkedNow)
            {
                this.checkedNow++;
                checkSeconds += verdict.Seconds;
            }
        }
        if (verdict.Failed) log?.Invoke(KernelGuard.Describe(verdict));
    }

    /// <summary>The ops used so far, in descriptor order.</summary>
    public IReadOnlyList<KernelOp> Ops
    {
        get { lock (gate) return used.Values.OrderBy(u => u.Verdict.Op, StringComparer.Ordinal).Select(u => u.Op).ToList(); }
    }

    public NumericsReport Report()
    {
        lock (gate)
            return NumericsReport.Create(used.Values.Select(u => u.Verdict).OrderBy(v => v.Op, StringComparer.Ordinal).ToList(), checkedNow, checkSeconds, cacheFile);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        restore(Parent);
    }
}
