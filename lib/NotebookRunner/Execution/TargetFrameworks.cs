namespace NotebookRunner.Execution;

/// <summary>
/// Picks the package folder (lib/&lt;tfm&gt;) or dependency group that suits this runtime, the way NuGet
/// would for a net&lt;major&gt;.0 app: the newest netX.Y up to ours, then netcoreapp, then netstandard.
/// Framework-specific (net48) and platform-specific (net8.0-windows) targets do not apply.
/// </summary>
public static class TargetFrameworks
{
    /// <summary>A score (higher is better) or null when the target cannot run here.</summary>
    public static double? Score(string? targetFramework)
    {
        if (string.IsNullOrWhiteSpace(targetFramework) || targetFramework is "any") return 1; // applies to every framework
        var tfm = targetFramework.Trim().ToLowerInvariant().TrimStart('.');
        if (tfm.Contains('-')) return null; // platform-specific
        double current = Environment.Version.Major;
        if (tfm.StartsWith("netstandard", StringComparison.Ordinal))
            return Version(tfm["netstandard".Length..]) is { } v && v <= 2.1 ? 100 + v : null;
        if (tfm.StartsWith("netcoreapp", StringComparison.Ordinal))
            return Version(tfm["netcoreapp".Length..]) is { } v && v <= 3.1 ? 200 + v : null;
        if (tfm.StartsWith("net", StringComparison.Ordinal) && tfm.Contains('.'))
            return Version(tfm[3..]) is { } v && v >= 5 && v <= current + 0.99 ? 300 + v : null;
        return null; // net461, net48, ...
    }

    public static string? Best(IEnumerable<string> targetFrameworks) =>
        targetFrameworks.Select(t => (t, score: Score(t))).Where(x => x.score is not null).OrderByDescending(x => x.score).Select(x => x.t).FirstOrDefault();

    static double? Version(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}
