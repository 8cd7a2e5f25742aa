namespace SslAnomaly.Tests.Notebooks;

/// <summary>
/// Executes the sample notebooks under tests/fixtures/notebooks once per test class (each run is a runner
/// process of a few seconds): the .ipynb and the .dib with an HTML page each, and the one that fails on cell 3.
/// </summary>
public sealed class SampleRuns : IDisposable
{
    readonly TempDir dir = new();
    public static readonly Dictionary<string, string> Smoke = new() { ["SSL_ANOMALY_PROFILE"] = "smoke" };

    public NotebookRunnerProcess.Result Ipynb { get; }
    public NotebookRunnerProcess.Result Dib { get; }
    public NotebookRunnerProcess.Result Failing { get; }
    public string IpynbHtml => dir.File("sample-ipynb.html");
    public string DibHtml => dir.File("sample-dib.html");
    public string FailingHtml => dir.File("failing.html");

    public SampleRuns()
    {
        Ipynb = NotebookRunnerProcess.Run(Fixtures.PathOf("notebooks/sample.ipynb"), dir.File("sample-ipynb.ipynb"), IpynbHtml, Smoke);
        Dib = NotebookRunnerProcess.Run(Fixtures.PathOf("notebooks/sample.dib"), dir.File("sample-dib.ipynb"), DibHtml, Smoke);
        Failing = NotebookRunnerProcess.Run(Fixtures.PathOf("notebooks/fails-on-cell-3.ipynb"), dir.File("failing.ipynb"), FailingHtml, Smoke);
    }

    public void Dispose() => dir.Dispose();
}
