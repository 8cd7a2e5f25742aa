"""MAE's reconstruction loss (models_mae.py forward_loss)."""
import torch


def patchify(imgs, p):
    """models_mae.py patchify (square images): (n, 3, h p, w p) -> (n, h w, p p 3)."""
    h = w = imgs.shape[2] // p
    x = imgs.reshape(imgs.shape[0], 3, h, p, w, p)
    x = torch.einsum("nchpwq->nhwpqc", x)
    return x.reshape(imgs.shape[0], h * w, p ** 2 * 3)


def mae_loss(imgs, pred, mask, p, norm_pix_loss):
    """Mean squared error per patch, averaged over the hidden patches (mask = 1); norm_pix_loss normalises each target
    patch by its own mean and variance."""
    target = patchify(imgs, p)
    if norm_pix_loss:
        mean = target.mean(dim=-1, keepdim=True)
        var = target.var(dim=-1, keepdim=True)
        target = (target - mean) / (var + 1.e-6) ** .5
    loss = (pred - target) ** 2
    loss = loss.mean(dim=-1)
    return (loss * mask).sum() / mask.sum()
