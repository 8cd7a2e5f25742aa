namespace SslAnomaly.Eval.OneClass;

/// <summary>Where the detectors learn "normal": the probe set's images, with or without the defects it holds.</summary>
public enum ReferencePool
{
    /// <summary>The probe set's normals only: defect labels are used to drop the defects and for nothing else. The
    /// textbook one-class setting, and the better case.</summary>
    Clean,
    /// <summary>The probe set as it is, its defects hidden among the normals at the train share: no label is used. The
    /// field's case, where nobody has sorted the footage.</summary>
    Contaminated,
}
