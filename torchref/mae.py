"""MAE's model parts (facebookresearch/mae models_mae.py, util/pos_embed.py): fixed sin-cos position embeddings, the
decoder, and the per-sample random masking of the encoder's patch tokens. Its loss is losses/mae.py."""
import torch
import torch.nn as nn

from .vit import Block


def sincos_1d(dim, pos):
    omega = torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0)
    omega = 1.0 / 10000 ** omega
    out = pos.reshape(-1, 1).to(torch.float64) * omega.reshape(1, -1)
    return torch.cat([torch.sin(out), torch.cos(out)], 1)


def sincos_2d(dim, grid, cls_token):
    """get_2d_sincos_pos_embed (meshgrid w first), in float64; a zero row in front for the class token."""
    gh, gw = torch.meshgrid(torch.arange(grid, dtype=torch.float64), torch.arange(grid, dtype=torch.float64), indexing="ij")
    emb = torch.cat([sincos_1d(dim // 2, gw), sincos_1d(dim // 2, gh)], 1)
    if cls_token:
        emb = torch.cat([torch.zeros(1, dim, dtype=torch.float64), emb], 0)
    return emb


class MaeDecoder(nn.Module):
    """models_mae.py's decoder: embed the visible tokens, put mask tokens in the hidden places, blocks, predict pixels."""

    def __init__(self, enc_dim, grid, patch, dim, depth, heads):
        super().__init__()
        self.decoder_embed = nn.Linear(enc_dim, dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.register_buffer("decoder_pos_embed", sincos_2d(dim, grid, True).float().unsqueeze(0))
        self.decoder_blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.decoder_norm = nn.LayerNorm(dim, eps=1e-6)
        self.decoder_pred = nn.Linear(dim, patch * patch * 3)

    def forward(self, x, ids_restore):
        x = self.decoder_embed(x)
        mask_tokens = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], mask_tokens], dim=1)
        x_ = torch.gather(x_, dim=1, index=ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1)
        x = x + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:, :]


def random_masking(x, mask_ratio, generator=None):
    """models_mae.py random_masking: keep a random (1 - mask_ratio) of each sample's tokens.

    Returns the kept tokens, the mask (1 = hidden, in the original token order) and the indices that restore that
    order. generator=None draws the noise from torch's global generator."""
    n, l, d = x.shape
    len_keep = int(l * (1 - mask_ratio))
    noise = torch.rand(n, l, generator=generator).to(x.dtype)
    ids_shuffle = torch.argsort(noise, dim=1)
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    ids_keep = ids_shuffle[:, :len_keep]
    x_masked = torch.gather(x, dim=1, index=ids_keep.unsqueeze(-1).repeat(1, 1, d))
    mask = torch.ones([n, l], dtype=x.dtype)
    mask[:, :len_keep] = 0
    mask = torch.gather(mask, dim=1, index=ids_restore)
    return x_masked, mask, ids_restore
