namespace SslAnomaly.Util;

/// <summary>Puts a setting back when the scope that changed it ends.</summary>
public sealed class RestoreOnDispose(Action restore) : IDisposable
{
    int disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) restore();
    }
}
