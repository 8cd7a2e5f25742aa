"""NT-Xent (SimCLR)."""
import torch
import torch.nn.functional as F


def simclr_loss_func(z, indexes, temperature):
    """solo-learn solo/losses/simclr.py (single process): the exp-sum form; rows with equal indexes are positives."""
    z = F.normalize(z, dim=-1)
    sim = torch.exp(torch.einsum("if, jf -> ij", z, z) / temperature)
    indexes = indexes.unsqueeze(0)
    pos_mask = indexes.t() == indexes
    pos_mask.fill_diagonal_(0)
    neg_mask = indexes.t() != indexes
    pos = torch.sum(sim * pos_mask, 1)
    neg = torch.sum(sim * neg_mask, 1)
    return -(torch.mean(torch.log(pos / (pos + neg))))


def nt_xent(z1, z2, temperature):
    """Two views of n images: row i of z1 and row i of z2 are the positive pair."""
    n = z1.shape[0]
    indexes = torch.cat([torch.arange(n), torch.arange(n)])
    return simclr_loss_func(torch.cat([z1, z2]), indexes, temperature)
