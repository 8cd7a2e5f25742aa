"""BYOL's regression loss."""
import torch.nn.functional as F


def byol_loss_func(p, z):
    """solo-learn solo/losses/byol.py (simplified=False): 2 - 2 cos(p, z), the target z detached."""
    p = F.normalize(p, dim=-1)
    z = F.normalize(z, dim=-1)
    return 2 - 2 * (p * z.detach()).sum(dim=1).mean()


def byol_symmetric(p1, p2, z1, z2):
    """solo-learn BYOL.training_step: each view's prediction against the other view's target, summed."""
    return byol_loss_func(p2, z1) + byol_loss_func(p1, z2)
