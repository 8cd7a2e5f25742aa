"""Barlow Twins: two transcriptions of one value."""
import torch
import torch.nn as nn


def barlow_loss_func(z1, z2, lamb, scale_loss):
    """solo-learn solo/losses/barlow.py (single process): a D x D identity, the off-diagonal entries through a mask."""
    n, d = z1.size()
    bn = nn.BatchNorm1d(d, affine=False).to(z1.device, z1.dtype)
    z1 = bn(z1)
    z2 = bn(z2)
    corr = torch.einsum("bi, bj -> ij", z1, z2) / n
    diag = torch.eye(d, device=corr.device, dtype=corr.dtype)
    cdif = (corr - diag).pow(2)
    cdif[~diag.bool()] *= lamb
    return scale_loss * cdif.sum()


def barlow_loss_inplace(z1, z2, lamb, scale_loss):
    """facebookresearch/barlowtwins main.py: in place on the diagonal, the off-diagonal entries through a strided view
    (no D x D identity or mask); what a PyTorch user tuning for speed writes."""
    n, d = z1.size()
    bn = nn.BatchNorm1d(d, affine=False).to(z1.device, z1.dtype)
    corr = bn(z1).T @ bn(z2) / n
    on_diag = torch.diagonal(corr).add_(-1).pow_(2).sum()
    off_diag = corr.flatten()[:-1].view(d - 1, d + 1)[:, 1:].flatten().pow_(2).sum()
    return scale_loss * (on_diag + lamb * off_diag)
