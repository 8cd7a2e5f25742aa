namespace SslAnomaly.Data;

/// <summary>
/// Filenames come from annotation files and manifests, i.e. from outside: they must stay inside the
/// data root. Absolute paths, drive letters, `..` segments and control characters are rejected.
/// </summary>
public static class SafeFilename
{
    /// <summary>Why this name may not be used, or null when it is a plain relative path.</summary>
    public static string? Problem(string filename)
    {
        if (filename.Length == 0) return "the filename is empty";
        if (filename.Any(char.IsControl)) return "the filename contains a control character";
        if (filename[0] is '/' or '\\' || Path.IsPathRooted(filename) || (filename.Length >= 2 && filename[1] == ':'))
            return "absolute paths are not allowed (the filename must be relative to the data root)";
        foreach (var segment in filename.Split('/', '\\'))
            if (segment == "..") return "'..' would escape the data root";
        return null;
    }

    /// <summary>root/filename after checking; the result is verified to lie under root.</summary>
    public static string Resolve(string root, string filename, string where)
    {
        if (Problem(filename) is { } problem)
            throw new UserInputException($"{where}: filename '{filename}' rejected: {problem}");
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, filename));
        if (!full.StartsWith(Path.TrimEndingDirectorySeparator(fullRoot) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new UserInputException($"{where}: filename '{filename}' rejected: it resolves outside the data root {fullRoot}");
        return full;
    }
}
