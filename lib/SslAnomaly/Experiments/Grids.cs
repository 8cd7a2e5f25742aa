using System.Globalization;
using SslAnomaly.Backbones;
using SslAnomaly.Methods;

namespace SslAnomaly.Experiments;

/// <summary>
/// The experiments a sweep can run, as typed entries for a profile: the paper's imbalance grid (Table 1 and Figures 2,
/// 4, 5, 7) and the two ablations of its Appendix A, Table 2 (input resolution) and Figure 3 (augmentation strength).
/// `ssl-anomaly sweep --grid`, Slurm arrays and the notebooks all take their runs from here.
/// </summary>
public static class Grids
{
    /// <summary>"paper" and "quick" are both the imbalance grid, named after the profile each defaults to (sweep.json keeps the names).</summary>
    public const string Paper = "paper", Quick = "quick", Resolution = "resolution", Augmentation = "augmentation";
    public static readonly IReadOnlyList<string> Names = [Paper, Quick, Resolution, Augmentation];

    public static readonly IReadOnlyList<double> PaperTrainShares = [1, 2, 5, 15, 45];

    /// <summary>Defect share of the ablations' training subsets: close to Sewer-ML's own (the paper ablates on the unmodified data).</summary>
    public const double AblationTrainDefectPct = 45;

    /// <summary>The imbalance grid named for a profile (the paper grid on the paper profile, else quick).</summary>
    public static string ImbalanceFor(string profile) => profile == Profiles.Paper ? Paper : Quick;

    /// <summary>The profile a grid runs at when none is given.</summary>
    public static string DefaultProfile(string grid) => grid == Paper ? Profiles.Paper : Profiles.Quick;

    public static bool IsAblation(string grid) => grid is Resolution or Augmentation;

    /// <summary>
    /// Methods x backbones x the profile's train shares (<see cref="Profiles.TrainShares"/>) x seeds, without the pairs a method cannot train (MAE x ResNet-18,
    /// <see cref="MethodSpec.Accepts"/>), as in the paper. Cells of <paramref name="headline"/> run with at least its seeds.
    /// </summary>
    public static IReadOnlyList<SweepEntry> Imbalance(IReadOnlyList<string> methods, IReadOnlyList<string> backbones, IReadOnlyList<double> shares, int seed, int seeds,
        double? probeDefectPct, HeadlineCells? headline = null)
    {
        var entries = new List<SweepEntry>();
        foreach (var method in methods)
            foreach (var backbone in backbones)
            {
                if (!MethodRegistry.Get(method).Accepts(backbone)) continue; // MAE x ResNet-18: blank in the paper too
                foreach (var share in shares)
                {
                    int cellSeeds = headline is not null && headline.Contains(backbone, share) ? Math.Max(seeds, headline.Seeds) : seeds;
                    for (int s = seed; s < seed + cellSeeds; s++)
                        entries.Add(new SweepEntry(entries.Count, method, backbone, share, s, probeDefectPct));
                }
            }
        return entries;
    }

    /// <summary>Table 2: the supervised baseline with no augmentation but the resize, at each of the profile's resolutions.</summary>
    public static IReadOnlyList<SweepEntry> ResolutionAblation(string profile, IReadOnlyList<string> backbones, int seed, int seeds)
    {
        var resolutions = Profiles.AblationResolutions(profile);
        var entries = new List<SweepEntry>();
        foreach (var backbone in backbones)
            foreach (var resolution in resolutions)
                for (int s = seed; s < seed + seeds; s++)
                    entries.Add(new SweepEntry(entries.Count, MethodRegistry.Supervised.Name, backbone, AblationTrainDefectPct, s)
                    {
                        Resolution = resolution, EmbeddedResolution = resolutions.Max(),
                    });
        return entries;
    }

    /// <summary>Figure 3: the supervised ResNet-18 with the paper's pipeline at each (min_scale, t_val) of the profile's grid.</summary>
    public static IReadOnlyList<SweepEntry> AugmentationAblation(string profile, int seed, int seeds)
    {
        var (scales, tvals) = Profiles.AugmentationGrid(profile);
        var entries = new List<SweepEntry>();
        foreach (var scale in scales)
            foreach (var tval in tvals)
                for (int s = seed; s < seed + seeds; s++)
                    entries.Add(new SweepEntry(entries.Count, MethodRegistry.Supervised.Name, BackboneConfig.ResNet18, AblationTrainDefectPct, s)
                    {
                        MinScale = scale, TVal = tval,
                    });
        return entries;
    }

    internal static string Number(double v) => v.ToString(CultureInfo.InvariantCulture);
}
