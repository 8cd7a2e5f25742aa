using SslAnomaly.Util;
using static TorchSharp.torch;

namespace SslAnomaly.Numerics;

/// <summary>What an injected fault does to a matching op.</summary>
public enum FaultEffect
{
    /// <summary>Adds 25 to a quarter of the output, as the faulty oneDNN 1x1 convolution did.</summary>
    Output,
    /// <summary>Multiplies the gradient reaching the op's input by 3 (a wrong backward-data kernel).</summary>
    InputGradient,
    /// <summary>Multiplies the gradient reaching the op's weight (for attention: its keys) by 3.</summary>
    WeightGradient,
    /// <summary>Turns the output into NaN.</summary>
    NotANumber,
}

/// <summary>
/// A wrong kernel on demand: every op whose "descriptor path=..." text holds all of <see cref="Terms"/> as words computes
/// a wrong result. Kernels that are right on this CPU hide the check's purpose; an injected fault proves that the check
/// catches a wrong kernel and that the remedy it picks gives the right network.
/// </summary>
public sealed record KernelFault(FaultEffect Effect, IReadOnlyList<string> Terms)
{
    /// <summary>"effect: term term ...", e.g. "output: conv2d ic256 oc512 k1 s2 channels-last path=native".</summary>
    public string Spec => $"{EffectName(Effect)}: {string.Join(' ', Terms)}";

    public bool Matches(KernelOp op, KernelPath path)
    {
        var words = new HashSet<string>(op.Descriptor.Split(' ')) { $"path={KernelFaults.PathName(path)}" };
        return Terms.All(words.Contains);
    }

    public static string EffectName(FaultEffect effect) => effect switch
    {
        FaultEffect.Output => "output",
        FaultEffect.InputGradient => "input-grad",
        FaultEffect.WeightGradient => "weight-grad",
        _ => "nan",
    };

    /// <summary>Parses <see cref="Spec"/>'s form; <paramref name="source"/> names where the text came from in the error.</summary>
    public static KernelFault Parse(string spec, string source)
    {
        int colon = spec.IndexOf(':');
        var effects = Enum.GetValues<FaultEffect>().ToDictionary(EffectName);
        if (colon < 0 || !effects.TryGetValue(spec[..colon].Trim(), out var effect))
            throw new UserInputException($"{source}: '{spec}' is not a kernel fault; write 'EFFECT: TERM ...' with EFFECT one of {string.Join(", ", effects.Keys)} and the TERMs words of an op's descriptor (e.g. 'output: conv2d k1 s2 path=native').");
        var terms = spec[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (terms.Length == 0)
            throw new UserInputException($"{source}: '{spec}' names no op: add words of an op's descriptor after the colon (e.g. 'conv2d k1 s2').");
        return new KernelFault(effect, terms);
    }
}

/// <summary>
/// The injected fault in force: set for the process by <see cref="EnvironmentVariable"/>, or for one test's flow of
/// control by <see cref="Inject"/> (an async-local, so tests running beside it see right kernels).
/// </summary>
public static class KernelFaults
{
    public const string EnvironmentVariable = "SSL_ANOMALY_KERNEL_FAULT";

    static readonly AsyncLocal<KernelFault?> injected = new();
    static readonly Lazy<KernelFault?> fromEnvironment = new(() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } spec ? KernelFault.Parse(spec, EnvironmentVariable) : null);

    public static KernelFault? Current => injected.Value ?? fromEnvironment.Value;

    /// <summary>Injects <paramref name="fault"/> until the returned scope is disposed.</summary>
    public static IDisposable Inject(KernelFault fault)
    {
        var previous = injected.Value;
        injected.Value = fault;
        return new RestoreOnDispose(() => injected.Value = previous);
    }

    public static string PathName(KernelPath path) => path.ToString().ToLowerInvariant();

    internal static KernelFault? Match(KernelOp op, KernelPath path) => Current is { } fault && fault.Matches(op, path) ? fault : null;

    /// <summary>x + (x - stop_gradient(x)) * 2: the same values forward, three times the gradient backward.</summary>
    internal static Tensor OnInput(KernelFault? fault, Tensor input) =>
        fault?.Effect == FaultEffect.InputGradient && input.requires_grad ? input.add(input.sub(input.detach()).mul(2)) : input;

    internal static Tensor OnWeight(KernelFault? fault, Tensor weight) =>
        fault?.Effect == FaultEffect.WeightGradient && weight.requires_grad ? weight.add(weight.sub(weight.detach()).mul(2)) : weight;

    internal static Tensor OnOutput(KernelFault? fault, Tensor output)
    {
        if (fault?.Effect == FaultEffect.NotANumber) return output.mul(double.NaN);
        if (fault?.Effect != FaultEffect.Output) return output;
        // Every fourth element along the flattened tensor: a wrong block, not a wrong whole. A constant: the gradient is untouched.
        var offset = zeros(output.shape, dtype: output.dtype, device: output.device);
        offset.view(-1).index_fill_(0, arange(0, offset.numel(), 4, device: output.device), 25.0);
        return output.add(offset);
    }
}
