using System.CommandLine;

namespace SslAnomaly.Cli.Commands;

/// <summary>The option shapes many commands share, so a command's header lists what it takes rather than how options are built.</summary>
static class CliOptions
{
    /// <summary>A required string option, such as --runs or --out.</summary>
    public static Option<string> Required(string name, string description) => new(name) { Description = description, Required = true };
}
