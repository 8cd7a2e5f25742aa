namespace SslAnomaly.Tests.Support;

/// <summary>
/// Tests that set process environment variables (which child processes of tests running beside them would inherit): they
/// run alone, with nothing in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariables
{
    public const string Name = "process environment variables";
}
