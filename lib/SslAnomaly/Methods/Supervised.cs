using SslAnomaly.Backbones;
using SslAnomaly.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods;

/// <summary>
/// The supervised baseline: backbone + one linear logit for "defect", trained with binary cross-entropy whose positive
/// weight (1 - p) / p balances the training set's defect share p (the official Sewer-ML loss uses (N - N_c) / N_c).
/// </summary>
public sealed class Supervised : SslMethod
{
    readonly SupervisedConfig config;
    readonly Linear head;

    /// <param name="trainDefectShare">Share of defective images in the training set; required unless the config sets <see cref="SupervisedConfig.PosWeight"/>.</param>
    public Supervised(Backbone backbone, SupervisedConfig config, OptimizerSettings optimizer, double? trainDefectShare) : base(nameof(Supervised), backbone, config, optimizer)
    {
        this.config = config;
        PosWeight = config.PosWeight ?? PosWeightFor(trainDefectShare is { } share ? config.BatchDefectShare(share) : null);
        head = nn.Linear(backbone.FeatureDim, 1);
        register_module("head", head);
    }

    public static double PosWeightFor(double? defectShare)
    {
        if (defectShare is not { } p)
            throw new UserInputException("supervised: the training set's defect share is needed for the BCE positive weight (or set pos_weight).");
        if (!(p > 0 && p < 1))
            throw new UserInputException($"supervised: the training set's defect share must lie strictly between 0 and 1, got {p}.");
        return (1 - p) / p;
    }

    public double PosWeight { get; }
    public override string MethodName => "supervised";
    public override int ViewCount => 1;

    /// <summary>Defect logits [B].</summary>
    public Tensor Logits(Tensor images) => HeadLogits(Backbone.call(images));

    /// <summary>Defect logits [B] of backbone features [B, FeatureDim] (the frozen features the probe sees).</summary>
    public Tensor HeadLogits(Tensor features) => head.call(features).squeeze(1);

    public override StepOutput TrainingStep(StepInput input)
    {
        RequireViews(input);
        var logits = Logits(input.Views[0]);
        var labels = input.Labels.to(logits.dtype);
        var weight = full(1, PosWeight, dtype: logits.dtype, device: logits.device);
        var loss = nn.functional.binary_cross_entropy_with_logits(logits, labels, pos_weights: weight);
        return new StepOutput(loss, null);
    }
}
