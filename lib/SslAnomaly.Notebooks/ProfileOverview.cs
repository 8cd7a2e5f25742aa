using Plotly.NET;
using Plotly.NET.CSharp;
using SslAnomaly.Experiments;
using SslAnomaly.Reporting;
using Chart = Plotly.NET.CSharp.Chart;

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
            var layer = Profiles.Layer(name);
            int Int(string key) => layer[key]!.GetValue<int>();
            return new ProfileScale(name, Int("resolution"), Int("train_size"), Int("val_size"), Int("epochs"), Int("batch_size"));
        }).ToList();

    /// <summary>Images seen per pretraining run for each profile (log scale), the current one set apart.</summary>
    public static GenericChart WorkChart(string currentProfile)
    {
        var scales = All();
        GenericChart Bars(IEnumerable<ProfileScale> subset, string name) =>
            Chart.Column<long, string, string>(subset.Select(s => s.ImagesSeen).ToArray(), subset.Select(s => s.Profile).ToArray(), Name: name);
        return Chart.Combine([
                Bars(scales.Where(s => s.Profile == currentProfile), $"{currentProfile} (this run)"),
                Bars(scales.Where(s => s.Profile != currentProfile), "other profiles"),
            ])
            .Titled("How much work each profile does")
            .WithXAxisStyle<double, double, string>(TitleText: "profile")
            .WithYAxisStyle<double, double, string>(TitleText: "images seen per pretraining run", AxisType: StyleParam.AxisType.Log)
            .WithSize(Width: 640, Height: 380);
    }
}
