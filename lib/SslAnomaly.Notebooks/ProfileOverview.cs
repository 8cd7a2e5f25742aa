namespace SslAnomaly.Notebooks;

/// <summary>The scale of one profile: image size, subset sizes and training length.</summary>
public sealed record ProfileScale(string Profile, int Resolution, int TrainImages, int ValImages, int Epochs, int BatchSize)
{
    /// <summary>Images a pretraining run goes through (train images x epochs): what makes a profile slow or fast.</summary>
    public long ImagesSeen => (long)TrainImages * Epochs;
}

/// <summary>What smoke, quick and paper mean in numbers, for the notebooks that explain the profiles.</summary>
public static class ProfileOverview
{
    public static IReadOnlyList<ProfileScale> All() =>
        Profiles.Names.Select(name =>
        {
            var scale = Profiles.Scale(name);
            return new ProfileScale(name, scale.Resolution, scale.TrainSize, scale.ValSize, scale.Epochs, scale.BatchSize);
        }).ToList();

    /// <summary>Images seen per pretraining run for each profile (log scale), the current one set apart.</summary>
    public static PlotlyFigure WorkChart(string currentProfile)
    {
        var scales = All();
        JsonObject Bars(IEnumerable<ProfileScale> subset, string name) =>
            PlotlyTraces.Columns(subset.Select(s => s.Profile), subset.Select(s => (double)s.ImagesSeen), name);
        return PlotlyFigure.Of([
                Bars(scales.Where(s => s.Profile == currentProfile), $"{currentProfile} (this run)"),
                Bars(scales.Where(s => s.Profile != currentProfile), "other profiles"),
            ])
            .WithTitle("How much work each profile does")
            .WithAxisTitles("profile", "images seen per pretraining run")
            .WithLayout("yaxis.type", "log")
            .WithSize(640, 380);
    }
}
