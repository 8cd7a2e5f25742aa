using SslAnomaly.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// A method with a teacher (target) network: a copy of the student's backbone and heads that receives no gradient and
/// follows the student by EMA after every optimiser step, teacher = tau teacher + (1 - tau) student, with tau on BYOL's
/// cosine schedule from <see cref="IEmaTeacherConfig.EmaBase"/> to <see cref="IEmaTeacherConfig.EmaFinal"/>. As in solo-learn, only
/// parameters are averaged; the teacher's BatchNorm statistics come from its own forward passes (it trains in train mode).
/// </summary>
public abstract class MomentumMethod : SslMethod
{
    readonly List<(nn.Module Student, nn.Module Teacher)> pairs = [];

    readonly IEmaTeacherConfig ema;

    protected MomentumMethod(string name, Backbones.Backbone backbone, MethodConfig config, OptimizerSettings optimizer) : base(name, backbone, config, optimizer) =>
        ema = config as IEmaTeacherConfig ?? throw new ArgumentException($"{name} has a teacher, so its config needs ema_base and ema_final");

    /// <summary>tau of the last teacher update (the schedule's base before any step).</summary>
    public double CurrentTau { get; private set; } = double.NaN;

    public MomentumSchedule TauSchedule(long totalSteps) => new(ema.EmaBase, ema.EmaFinal, totalSteps);

    /// <summary>Registers <paramref name="teacher"/> (a fresh module of the student's architecture) as the student's EMA copy.</summary>
    protected T AddTeacher<T>(string name, nn.Module student, T teacher) where T : nn.Module
    {
        CopyState(student, teacher);
        foreach (var p in teacher.parameters()) p.requires_grad = false;
        register_module(name, teacher);
        pairs.Add((student, teacher));
        return teacher;
    }

    /// <summary>Sets every teacher back to an exact copy of its student (after loading or re-initialising student weights).</summary>
    public void ResetTeachers()
    {
        foreach (var (student, teacher) in pairs) CopyState(student, teacher);
    }

    public override void OnAfterOptimizerStep(TrainingProgress progress)
    {
        CurrentTau = TauSchedule(progress.TotalSteps).At(progress.Step);
        UpdateTeacher(CurrentTau);
    }

    /// <summary>teacher &lt;- tau teacher + (1 - tau) student for every parameter pair (one lerp pass per tensor).</summary>
    public void UpdateTeacher(double tau)
    {
        using var noGrad = no_grad();
        foreach (var (student, teacher) in pairs)
            foreach (var ((_, s), (_, t)) in student.named_parameters().Zip(teacher.named_parameters()))
                t.lerp_(s, 1 - tau);
    }

    /// <summary>Copies every parameter and buffer of <paramref name="from"/> into the same-named one of <paramref name="to"/>.</summary>
    static void CopyState(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var source = from.state_dict();
        var target = to.state_dict();
        if (!source.Keys.Order().SequenceEqual(target.Keys.Order()))
            throw new ArgumentException("the teacher's architecture differs from the student's");
        foreach (var (key, value) in source)
        {
            if (!value.shape.SequenceEqual(target[key].shape))
                throw new ArgumentException($"teacher tensor {key} has shape [{string.Join(",", target[key].shape)}], the student's [{string.Join(",", value.shape)}]");
            target[key].copy_(value);
        }
    }
}
