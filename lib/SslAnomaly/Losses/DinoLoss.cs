using static TorchSharp.torch;

namespace SslAnomaly.Losses;

/// <summary>
/// DINO's self-distillation loss (Caron et al. 2021; solo-learn's <c>DINOLoss</c>). Teacher outputs of the global
/// crops are centred and sharpened, q = softmax((t - c) / T_teacher), and carry no gradient; each student crop
/// (globals first, then any local crops) predicts, through log_softmax(s / T_student), the teacher distribution
/// of every other global crop: loss = mean over pairs (teacher i, student v != i) of the batch-mean of
/// -sum_k q_k log p_k. The centre's EMA update is a separate pure function.
/// </summary>
public static class DinoLoss
{
    /// <param name="studentLogits">Student prototype scores per crop, [B, K] each: the global crops first, in the teacher's order.</param>
    /// <param name="teacherLogits">Teacher prototype scores of the global crops, [B, K] each.</param>
    /// <param name="center">The running centre of teacher outputs [1, K].</param>
    public static Tensor Compute(IReadOnlyList<Tensor> studentLogits, IReadOnlyList<Tensor> teacherLogits, Tensor center,
        double studentTemperature, double teacherTemperature)
    {
        if (teacherLogits.Count < 1 || studentLogits.Count < 2)
            throw new ArgumentException($"DINO needs at least one teacher and two student crops, got {teacherLogits.Count} and {studentLogits.Count}");
        if (studentLogits.Count < teacherLogits.Count)
            throw new ArgumentException("the student must see every global crop the teacher sees (globals first)");
        using var scope = NewDisposeScope();
        var studentLogProbs = studentLogits.Select(s => s.div(studentTemperature).log_softmax(-1)).ToList();
        Tensor? total = null;
        int terms = 0;
        for (int i = 0; i < teacherLogits.Count; i++)
        {
            var q = teacherLogits[i].detach().sub(center).div(teacherTemperature).softmax(-1);
            for (int v = 0; v < studentLogProbs.Count; v++)
            {
                if (v == i) continue; // a crop is not asked to predict itself
                var term = q.mul(studentLogProbs[v]).sum(-1).neg().mean();
                total = total is null ? term : total.add(term);
                terms++;
            }
        }
        return total!.div(terms).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean entropy of the centred, sharpened teacher distributions: the floor of <see cref="Compute"/> (loss = entropy + KL
    /// from teacher to student). DINO watches both: entropy -> log K with KL -> 0 is collapse to uniform; entropy -> 0 is
    /// collapse to one prototype.
    /// </summary>
    public static Tensor TeacherEntropy(IReadOnlyList<Tensor> teacherLogits, Tensor center, double teacherTemperature)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var entropies = teacherLogits.Select(t =>
        {
            var logits = t.detach().sub(center).div(teacherTemperature);
            return logits.softmax(-1).mul(logits.log_softmax(-1)).sum(-1).neg().mean();
        }).ToArray();
        return stack(entropies).mean().MoveToOuterDisposeScope();
    }

    /// <summary>c' = m c + (1 - m) mean over the batch (all global crops) of the teacher outputs; no gradient.</summary>
    public static Tensor UpdatedCenter(Tensor center, IReadOnlyList<Tensor> teacherLogits, double momentum)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var all = cat(teacherLogits.Select(t => t.detach()).ToArray(), 0);
        var batchCenter = all.sum(0, keepdim: true).div(all.shape[0]);
        return center.mul(momentum).add(batchCenter.mul(1 - momentum)).MoveToOuterDisposeScope();
    }
}
