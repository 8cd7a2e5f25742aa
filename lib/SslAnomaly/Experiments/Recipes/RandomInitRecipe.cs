using SslAnomaly.Methods;
using SslAnomaly.Optim;

namespace SslAnomaly.Experiments;

/// <summary>
/// The random-init floor on each profile: the backbone as its seed initialised it, probed like the others. It trains zero
/// epochs whatever a profile or --set says (<see cref="ExperimentConfigBuilder.Complete"/>), so nothing here is used; its
/// config.json still records an optimiser like every run's.
/// </summary>
public static class RandomInitRecipe
{
    /// <summary>No hyper-parameters; the shared LARS default (<see cref="OptimizerSettings"/>' own values), never stepped.</summary>
    public static readonly MethodRecipe Published = new(new RandomInitConfig(), new OptimizerSettings());

    public static readonly MethodRecipe Cpu = Published with { Optimizer = MethodRecipe.OnCpu(Published.Optimizer) };

    public static MethodRecipe For(string profile) => MethodRecipe.PaperOrCpu(profile, Published, Cpu);
}
