using TorchSharp.Modules;

namespace SslAnomaly.Optim;

/// <summary>
/// Parameters that share optimiser treatment. Methods build these: solo-learn/lightly put biases and norm
/// parameters (1-d tensors) in a group with no weight decay and no LARS adaptation.
/// </summary>
/// <param name="Name">Group name, for logs and checkpoints ("decay", "no_decay").</param>
/// <param name="Parameters">(qualified name, parameter); names key the optimiser state in checkpoints.</param>
/// <param name="WeightDecay">L2 (LARS/SGD) or decoupled (AdamW) weight decay.</param>
/// <param name="Adapt">Whether LARS scales this group's update by its trust ratio (ignored by AdamW).</param>
/// <param name="LearningRateScale">This group's rate as a multiple of the scheduled one (BYOL's predictor can learn faster).</param>
public sealed record ParameterGroup(string Name, IReadOnlyList<(string Name, Parameter Parameter)> Parameters, double WeightDecay, bool Adapt,
    double LearningRateScale = 1);
