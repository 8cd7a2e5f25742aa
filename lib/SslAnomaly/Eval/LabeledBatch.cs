using static TorchSharp.torch;

namespace SslAnomaly.Eval;

/// <summary>The labels of one image: its file, the binary defect label and, when known, its Sewer-ML codes as a bit mask.</summary>
public readonly record struct SampleLabel(string Filename, bool Defect, int? CodeMask = null);

/// <summary>
/// A batch of eval-transformed, normalised images [B, 3, H, W] with the labels of its rows: what feature
/// extraction consumes (the data loader produces it). The consumer owns <see cref="Images"/> and disposes it.
/// </summary>
public sealed record LabeledBatch(Tensor Images, IReadOnlyList<SampleLabel> Labels);
