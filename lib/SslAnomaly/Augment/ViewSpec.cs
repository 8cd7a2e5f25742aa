namespace SslAnomaly.Augment;

/// <summary>One kind of view: its pipeline, output size, and how many such views per image.</summary>
public sealed record ViewSpec(AugmentationPipeline Pipeline, int Size, int Count = 1);
