"""ViT-Tiny in timm's VisionTransformer layout (vit_tiny_patch16_224 without head), written out plainly.

The attention is timm's as written before fused attention existed (PyTorch 1.13 has no scaled_dot_product_attention).
Parameter names are timm's (patch_embed.proj, cls_token, pos_embed, blocks.N..., norm), which the fixtures hash into
weights, so they must not change.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = (q @ k.transpose(-2, -1)) * self.scale
        x = a.softmax(-1) @ v
        return self.proj(x.transpose(1, 2).reshape(b, n, d))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    """Pre-norm transformer block (LayerNorm eps 1e-6, MLP 4x); MAE's decoder uses it too."""

    def __init__(self, dim, heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VitTiny(nn.Module):
    """dim 192, depth 12, 3 heads by default; the feature is the final class token after the last LayerNorm.

    embed() and encode() are the two halves of forward(), so that MAE can mask the patch tokens in between.
    """

    def __init__(self, resolution, patch, dim=192, depth=12, heads=3):
        super().__init__()
        self.grid = resolution // patch
        self.patch = patch
        self.dim = dim
        self.feature_dim = dim
        self.patch_embed = PatchEmbed(patch, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.grid ** 2, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        # timm's init; the fixtures overwrite every weight, so only the bench's networks start from it.
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def embed(self, x):
        """Patch tokens plus their position embeddings, resampled when the input is not the trained resolution."""
        t = self.patch_embed(x)
        g = int(round(math.sqrt(t.shape[1])))
        pos = self.pos_embed[:, 1:]
        if g != self.grid:  # timm.resample_abs_pos_embed: bicubic, align_corners=False
            d = pos.shape[-1]
            pos = pos.reshape(1, self.grid, self.grid, d).permute(0, 3, 1, 2)
            pos = F.interpolate(pos, size=(g, g), mode="bicubic", align_corners=False)
            pos = pos.permute(0, 2, 3, 1).reshape(1, g * g, d)
        return t + pos

    def encode(self, t):
        """The class token in front of the tokens, the blocks, the final LayerNorm: every token's output."""
        cls = (self.cls_token + self.pos_embed[:, :1]).expand(t.shape[0], -1, -1)
        x = torch.cat([cls, t], 1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def forward(self, x):
        return self.encode(self.embed(x))[:, 0]
