using SslAnomaly.Backbones;
using SslAnomaly.Optim;

namespace SslAnomaly.Methods;

/// <summary>
/// The floor: the backbone exactly as initialised with the run's seed, trained for zero steps, then frozen and
/// probed like every other method. A method whose probe cannot beat this learned nothing the probe could use.
/// The runner sets epochs to 0 for it, so <see cref="TrainingStep"/> is never called.
/// </summary>
public sealed class RandomInit(Backbone backbone, OptimizerSettings optimizer) : SslMethod(nameof(RandomInit), backbone, new RandomInitConfig(), optimizer)
{
    public const string Name = "random-init";

    public override string MethodName => Name;
    public override int ViewCount => 1;

    public override StepOutput TrainingStep(StepInput input) =>
        throw new InvalidOperationException("random-init trains zero steps: its run must have epochs = 0.");
}
