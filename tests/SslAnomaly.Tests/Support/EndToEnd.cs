namespace SslAnomaly.Tests.Support;

/// <summary>
/// Tests that start whole experiments, sweeps or notebooks as child processes. On two cores they starve each
/// other when run side by side, so they share one xunit collection and run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEnd
{
    public const string Name = "end-to-end processes";
}
