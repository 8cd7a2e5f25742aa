namespace NotebookRunner.Execution;

/// <summary>
/// A NuGet version (1.2.3, 1.0.0-beta.23562.1) ordered as NuGet orders them: numbers first, then a release
/// above any of its pre-releases, pre-release labels compared part by part (numeric parts as numbers).
/// </summary>
public sealed class PackageVersion : IComparable<PackageVersion>
{
    public string Text { get; }
    readonly long[] numbers;
    readonly string[] prerelease;

    PackageVersion(string text, long[] numbers, string[] prerelease)
    {
        Text = text;
        this.numbers = numbers;
        this.prerelease = prerelease;
    }

    public bool IsPrerelease => prerelease.Length > 0;

    public static PackageVersion? TryParse(string text)
    {
        var core = text.Split('+')[0].Trim();
        int dash = core.IndexOf('-');
        var release = dash < 0 ? core : core[..dash];
        var parts = release.Split('.');
        var numbers = new long[4];
        if (parts.Length is < 1 or > 4) return null;
        for (int i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], out numbers[i]) || numbers[i] < 0) return null;
        var label = dash < 0 ? [] : core[(dash + 1)..].Split('.');
        return new PackageVersion(text.Trim(), numbers, label);
    }

    public int CompareTo(PackageVersion? other)
    {
        if (other is null) return 1;
        for (int i = 0; i < 4; i++)
            if (numbers[i] != other.numbers[i]) return numbers[i].CompareTo(other.numbers[i]);
        if (prerelease.Length == 0 && other.prerelease.Length == 0) return 0;
        if (prerelease.Length == 0) return 1; // a release sorts above its pre-releases
        if (other.prerelease.Length == 0) return -1;
        for (int i = 0; i < Math.Min(prerelease.Length, other.prerelease.Length); i++)
        {
            bool aNum = long.TryParse(prerelease[i], out var a), bNum = long.TryParse(other.prerelease[i], out var b);
            int c = aNum && bNum ? a.CompareTo(b) : aNum ? -1 : bNum ? 1 : string.Compare(prerelease[i], other.prerelease[i], StringComparison.OrdinalIgnoreCase);
            if (c != 0) return c;
        }
        return prerelease.Length.CompareTo(other.prerelease.Length);
    }

    public override string ToString() => Text;
}
