namespace SslAnomaly.Notebooks;

/// <summary>
/// The experiment scale a notebook runs at, from SSL_ANOMALY_PROFILE: <c>smoke</c> (CI, minutes),
/// <c>quick</c> (default: the whole grid on a CPU in about 11 minutes on 2 idle cores) or <c>paper</c> (Sewer-ML on a GPU).
/// </summary>
public static class NotebookProfile
{
    public const string EnvironmentVariable = "SSL_ANOMALY_PROFILE";

    /// <summary>The profile named by the environment, <c>quick</c> when unset; an unknown name is an error.</summary>
    public static string Current => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static string Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Profiles.Quick;
        var name = value.Trim().ToLowerInvariant();
        return Profiles.Names.Contains(name) ? name
            : throw new UserInputException($"{EnvironmentVariable}={value} is not a profile (valid: {string.Join(", ", Profiles.Names)}).");
    }
}
