namespace SslAnomaly.Data.Synthetic;

/// <summary>
/// The annotation of one synthetic frame, drawn before (and independently of) its pixels: which Sewer-ML
/// codes it shows, and its water level. Drawn with integer/double arithmetic only, so the CSVs, and the
/// manifests made from them, are byte-identical on every machine.
/// </summary>
public sealed record FrameLabels(bool[] Codes, int WaterLevel)
{
    /// <summary>Share of defective frames, close to Sewer-ML's (train 46.9 %, val 47.2 %).</summary>
    public const double DefectProbability = 0.47;

    /// <summary>
    /// Relative frequency of each code among defective frames (Sewer-ML order). Deposits, roots, displaced
    /// joints and connections are common in real inspections; production errors and obstacles are rare.
    /// </summary>
    public static readonly double[] CodeWeights =
    //  RB    OB    PF    DE    FS    IS    RO    IN    AF    BE    FO    GR    PH    PB    OS    OP    OK
        [0.09, 0.08, 0.02, 0.03, 0.10, 0.04, 0.09, 0.04, 0.12, 0.09, 0.02, 0.07, 0.06, 0.04, 0.04, 0.03, 0.04];

    static readonly int[] WaterLevels = [0, 5, 10, 15, 20, 30, 40, 50, 60, 75];
    static readonly double[] WaterWeights = [0.22, 0.20, 0.18, 0.12, 0.10, 0.08, 0.05, 0.03, 0.015, 0.005];

    public bool Defect => Codes.Contains(true);

    /// <summary>Sewer-ML's <c>VA</c> flag (water level worth annotating); here: at least 30 % full.</summary>
    public bool WaterLevelAnnotation => WaterLevel >= 30;

    public static FrameLabels Sample(SeededRandom rng)
    {
        var codes = new bool[CodeWeights.Length];
        if (rng.Chance(DefectProbability))
        {
            // Mostly one defect per frame, sometimes two or three (multi-label, as in Sewer-ML).
            var count = rng.Pick([0.72, 0.22, 0.06]) + 1;
            var weights = (double[])CodeWeights.Clone();
            for (int i = 0; i < count; i++)
            {
                var k = rng.Pick(weights);
                codes[k] = true;
                weights[k] = 0;
            }
        }
        return new FrameLabels(codes, WaterLevels[rng.Pick(WaterWeights)]);
    }
}
