using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>Where the run stands when a step happens; schedules (learning rate, EMA, teacher temperature) are functions of it.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Step">0-based global optimiser step.</param>
public sealed record TrainingProgress(int Epoch, long Step, int StepsPerEpoch, int Epochs)
{
    public long TotalSteps => (long)StepsPerEpoch * Epochs;
}

/// <summary>
/// One training step's input: the augmented views of the batch (all views of image i are row i of each view), the
/// batch's labels (float 0/1, used only by the supervised baseline), and the method's own random stream (MAE masks).
/// </summary>
public sealed record StepInput(IReadOnlyList<Tensor> Views, Tensor Labels, TrainingProgress Progress, Generator Generator);

/// <summary>
/// A step's result: the scalar loss to back-propagate, the embeddings of the first view (detached; the trainer watches
/// their spread for collapse; null when the method has none to watch) and extra scalars to log (tau, temperature...).
/// </summary>
public sealed record StepOutput(Tensor Loss, Tensor? Embeddings, IReadOnlyDictionary<string, double>? Scalars = null);
