"""DINO's cross-entropy between teacher and student crops, and its centre."""
import torch
import torch.nn.functional as F


def dino_loss(student_output, teacher_output, center, student_temp, teacher_temp, num_crops):
    """solo-learn solo/losses/dino.py DINOLoss.forward: the student's crops stacked (2 global, then any local), the
    teacher's 2 global crops stacked; every student crop against every teacher crop but its own."""
    student_out = student_output / student_temp
    student_out = student_out.chunk(num_crops)
    teacher_out = F.softmax((teacher_output - center) / teacher_temp, dim=-1)
    teacher_out = teacher_out.detach().chunk(2)
    total_loss = 0
    n_loss_terms = 0
    for iq, q in enumerate(teacher_out):
        for iv, v in enumerate(student_out):
            if iv == iq:
                continue
            loss = torch.sum(-q * F.log_softmax(v, dim=-1), dim=-1)
            total_loss += loss.mean()
            n_loss_terms += 1
    return total_loss / n_loss_terms


def dino_update_center(center, teacher_output, momentum):
    """DINOLoss.update_center: the new centre (an EMA of the teacher's batch mean), returned, not stored."""
    batch_center = torch.sum(teacher_output, dim=0, keepdim=True) / len(teacher_output)
    return center * momentum + batch_center * (1 - momentum)
