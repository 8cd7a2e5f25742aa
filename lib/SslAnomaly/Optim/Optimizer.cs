using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Optim;

/// <summary>
/// Our optimisers (LARS, AdamW) on parameter groups, with state we own: every state tensor is named
/// "parameter name/slot" so checkpoints can store and restore it exactly. One learning rate, set by the schedule
/// before each step, times each group's <see cref="ParameterGroup.LearningRateScale"/>.
/// </summary>
public abstract class Optimizer : IDisposable
{
    readonly Dictionary<string, Tensor> state = new(StringComparer.Ordinal);

    protected Optimizer(IReadOnlyList<ParameterGroup> groups, double learningRate)
    {
        var names = groups.SelectMany(g => g.Parameters.Select(p => p.Name)).ToList();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"parameter '{duplicate.Key}' is in more than one group");
        Groups = groups;
        LearningRate = learningRate;
    }

    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Learning rate of the next <see cref="Step"/>.</summary>
    public double LearningRate { get; set; }

    /// <summary>The next step's rate for <paramref name="group"/>: the scheduled one times the group's scale.</summary>
    protected double RateOf(ParameterGroup group) => LearningRate * group.LearningRateScale;

    /// <summary>Applies one update from the parameters' current gradients; parameters without a gradient are skipped.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        foreach (var group in Groups)
            foreach (var (name, parameter) in group.Parameters)
            {
                using var scope = NewDisposeScope();
                var grad = parameter.grad;
                if (grad is null) continue;
                Update(group, name, parameter, grad);
            }
    }

    /// <summary>Updates one parameter in place (called under no_grad inside a dispose scope).</summary>
    protected abstract void Update(ParameterGroup group, string name, Parameter parameter, Tensor grad);

    /// <summary>Drops the gradients (set to none, as PyTorch does by default), so a parameter that gets none is skipped.</summary>
    public void ZeroGrad()
    {
        foreach (var group in Groups)
            foreach (var (_, parameter) in group.Parameters)
            {
                using var grad = parameter.grad;
                if (grad is not null) parameter.grad = null;
            }
    }

    /// <summary>A state slot of a parameter, created by <paramref name="create"/> on first use and owned by the optimiser.</summary>
    protected Tensor State(string parameterName, string slot, Func<Tensor> create)
    {
        string key = $"{parameterName}/{slot}";
        if (!state.TryGetValue(key, out var t))
        {
            t = create().detach().DetachFromDisposeScope();
            state[key] = t;
        }
        return t;
    }

    protected bool HasState(string parameterName, string slot) => state.ContainsKey($"{parameterName}/{slot}");

    /// <summary>Every state tensor by key, for checkpoints (valid until the next step or load).</summary>
    public IReadOnlyDictionary<string, Tensor> StateTensors => state;

    /// <summary>Replaces the state by copies of <paramref name="saved"/> (keys as in <see cref="StateTensors"/>).</summary>
    public void LoadState(IReadOnlyDictionary<string, Tensor> saved)
    {
        var known = Groups.SelectMany(g => g.Parameters.Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var key in saved.Keys)
        {
            int slash = key.LastIndexOf('/');
            if (slash <= 0 || !known.Contains(key[..slash]))
                throw new InvalidDataException($"optimiser state '{key}' belongs to no parameter of this model");
        }
        ClearState();
        foreach (var (key, value) in saved) state[key] = value.detach().clone().DetachFromDisposeScope();
    }

    void ClearState()
    {
        foreach (var t in state.Values) t.Dispose();
        state.Clear();
    }

    public void Dispose()
    {
        ClearState();
        GC.SuppressFinalize(this);
    }
}
