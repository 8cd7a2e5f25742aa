"""solo-learn's heads: the projector/predictor MLP and DINO's head."""
import torch.nn as nn
import torch.nn.functional as F


def projection_mlp(inp, hidden, out, layers):
    """solo-learn projector: (Linear, BatchNorm1d, ReLU) x (layers - 1), Linear."""
    mods, width = [], inp
    for _ in range(layers - 1):
        mods += [nn.Linear(width, hidden), nn.BatchNorm1d(hidden), nn.ReLU()]
        width = hidden
    mods.append(nn.Linear(width, out))
    return nn.Sequential(*mods)


class DINOHead(nn.Module):
    """solo-learn DINOHead: MLP (Linear [BN] GELU)* Linear, L2-normalise, weight-normalised prototypes (g fixed at 1
    with norm_last_layer). torch.nn.utils.weight_norm defeats copy.deepcopy: build a new head and load its state."""

    def __init__(self, inp, hidden, bottleneck, prototypes, layers=3, use_bn=False, norm_last_layer=True):
        super().__init__()
        if layers == 1:
            self.mlp = nn.Linear(inp, bottleneck)
        else:
            mods, width = [], inp
            for _ in range(layers - 1):
                mods.append(nn.Linear(width, hidden))
                if use_bn:
                    mods.append(nn.BatchNorm1d(hidden))
                mods.append(nn.GELU())
                width = hidden
            mods.append(nn.Linear(width, bottleneck))
            self.mlp = nn.Sequential(*mods)
        self.last_layer = nn.utils.weight_norm(nn.Linear(bottleneck, prototypes, bias=False))
        self.last_layer.weight_g.data.fill_(1)
        if norm_last_layer:
            self.last_layer.weight_g.requires_grad = False

    def forward(self, x):
        return self.last_layer(F.normalize(self.mlp(x), dim=-1))
