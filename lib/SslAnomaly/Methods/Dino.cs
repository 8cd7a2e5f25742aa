using SslAnomaly.Backbones;
using SslAnomaly.Losses;
using SslAnomaly.Methods.Heads;
using SslAnomaly.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// DINO (Caron et al. 2021): a student (backbone + <see cref="DinoHead"/>) matches, on every crop, the centred and sharpened
/// prototype distribution that the EMA teacher gives to the other global crops. Views 0 and 1 are the global crops; any
/// further views are local crops (multi-crop), seen by the student only. The teacher temperature warms up linearly per
/// epoch; the centre is an EMA of teacher outputs kept as a buffer (so checkpoints carry it).
/// </summary>
public sealed class Dino : MomentumMethod
{
    readonly DinoConfig config;
    const int GlobalCrops = 2;
    readonly DinoHead head;
    readonly Backbone teacherBackbone;
    readonly DinoHead teacherHead;
    readonly Tensor center;

    public Dino(Backbone backbone, DinoConfig config, OptimizerSettings optimizer, Func<Backbone> createBackbone) : base(nameof(Dino), backbone, config, optimizer)
    {
        this.config = config;
        head = NewHead();
        register_module("head", head);
        teacherBackbone = AddTeacher("teacher_backbone", backbone, createBackbone());
        teacherHead = AddTeacher("teacher_head", head, NewHead());
        center = zeros(1, config.DinoPrototypes);
        register_buffer("center", center);
    }

    DinoHead NewHead() => new(Backbone.FeatureDim, config.DinoHiddenDim, config.DinoBottleneckDim, config.DinoPrototypes,
        config.DinoHeadLayers, config.DinoHeadBatchNorm, config.DinoNormLastLayer);

    public override string MethodName => "dino";

    public Tensor Center => center;

    /// <summary>Teacher temperature of an epoch: linear from the warm-up value over the warm-up epochs (numpy linspace, as DINO), then constant.</summary>
    public double TeacherTemperature(int epoch, int epochs)
    {
        int warmup = (int)Math.Round(Math.Min(config.DinoTeacherWarmupEpochs, config.DinoTeacherWarmupMaxFraction * epochs));
        if (epoch >= warmup) return config.DinoTeacherTemperature;
        if (warmup == 1) return config.DinoWarmupTeacherTemperature;
        return config.DinoWarmupTeacherTemperature + (config.DinoTeacherTemperature - config.DinoWarmupTeacherTemperature) * epoch / (warmup - 1);
    }

    public override StepOutput TrainingStep(StepInput input)
    {
        RequireViews(input);
        var projected = input.Views.Select(v => head.Project(Backbone.call(v))).ToList();
        var student = projected.Select(p => p.Logits).ToList();
        var teacher = new List<Tensor>();
        using (no_grad())
            for (int i = 0; i < GlobalCrops; i++) teacher.Add(teacherHead.call(teacherBackbone.call(input.Views[i])));
        double teacherTemperature = TeacherTemperature(input.Progress.Epoch, input.Progress.Epochs);
        var loss = DinoLoss.Compute(student, teacher, center, config.DinoStudentTemperature, teacherTemperature);
        double entropy = DinoLoss.TeacherEntropy(teacher, center, teacherTemperature).ToDouble();
        using (no_grad()) center.copy_(DinoLoss.UpdatedCenter(center, teacher, config.DinoCenterMomentum));
        var scalars = new Dictionary<string, double>
        {
            ["teacher_temperature"] = teacherTemperature,
            ["teacher_entropy"] = entropy,
            ["kl_divergence"] = loss.ToDouble() - entropy,
            ["tau"] = TauSchedule(input.Progress.TotalSteps).At(input.Progress.Step),
        };
        // The collapse guard judges the bottleneck, as it judges the other methods' projector outputs; the prototype scores
        // are a fixed linear image of its normalised direction, so their spread depends on the prototypes' layout too.
        return new StepOutput(loss, projected[0].Bottleneck.detach(), scalars);
    }

    /// <summary>DINO's freeze_last_layer: no update of the prototypes during the first epochs (stabilises the start).</summary>
    public override void OnAfterBackward(TrainingProgress progress)
    {
        if (progress.Epoch >= config.DinoFreezeLastLayerEpochs) return;
        foreach (var p in head.PrototypeLayer.parameters()) p.grad = null;
    }

    /// <summary>The head's bottleneck (before L2-normalisation and prototypes).</summary>
    public override Tensor? ProjectorEmbeddings(Tensor features) => head.Bottleneck(features);
}
