#!/usr/bin/python3
"""PyTorch side of the workbook's benchmark (bench/, `dotnet run -c Release --project bench`).

Started by the C# harness as a child process; it reads one JSON command per line on stdin and answers with one
JSON line on stdout, so the harness can alternate timed windows between itself and this process (never both at
once: the machine's cores are shared). Nothing here is clever on purpose: the models, heads, losses and
optimisers are written plainly after torchvision, timm, solo-learn and MAE's reference code, with the sizes and
hyper-parameters the harness sends (the workbook's own defaults), so both sides do the same arithmetic.

Two variants of the training script can be set up side by side (train_setup's "variant"):

- "tuned" (the headline comparison): what a PyTorch user who tunes for the CPU writes. The ResNet-18 model and its
  inputs in channels-last (oneDNN's NHWC kernels), the Barlow Twins loss of facebookresearch/barlowtwins (in-place
  on the diagonal, no D x D identity), the teacher EMA as one lerp_ per tensor (timm's ModelEmaV3).
- "nchw" (secondary, --pytorch-nchw): the plain script as solo-learn writes it. NCHW, solo-learn's Barlow Twins loss,
  the EMA as mul_ + add_.

Both share the process settings from "hello": intra-op and inter-op threads, and the glibc malloc tuning the
workbook applies to itself (mallopt with the same values), so the allocator is equal on both sides.

Commands: hello, gemm, train_setup, train_run, train_free, extract_setup, extract_run, extract_free, augment_setup,
augment_run, decode_setup, decode_run, rss, quit.
"""
import gc
import json
import math
import platform
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import torchvision
    import torchvision.transforms as T
    from torchvision.transforms import InterpolationMode
except ImportError:  # the train-step comparison does not need torchvision
    torchvision = None

try:
    from PIL import Image
except ImportError:
    Image = None


# ---------------------------------------------------------------- backbones

class BasicBlock(nn.Module):
    """torchvision's BasicBlock."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)), inplace=True)  # torchvision: ReLU(inplace=True)
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        out += identity
        return F.relu(out, inplace=True)


class ResNet18(nn.Module):
    """torchvision resnet18 without fc; ImageNet stem (7x7/2 + max-pool) or small-image stem (3x3/1, no pool)."""

    def __init__(self, small_stem):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False) if small_stem else nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.Identity() if small_stem else nn.MaxPool2d(3, 2, 1)
        self.layer1 = nn.Sequential(BasicBlock(64, 64, 1), BasicBlock(64, 64, 1))
        self.layer2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128, 1))
        self.layer3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256, 1))
        self.layer4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512, 1))
        self.feature_dim = 512
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x)), inplace=True))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return x.mean((2, 3))


class Attention(nn.Module):
    """timm's Attention as written before fused attention existed (PyTorch 1.13 has no scaled_dot_product_attention)."""

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
    def __init__(self, dim, heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VitTiny(nn.Module):
    """timm VisionTransformer layout (vit_tiny without head): dim 192, depth 12, 3 heads; feature = final class token."""

    def __init__(self, resolution, patch, dim=192, depth=12, heads=3):
        super().__init__()
        self.grid = resolution // patch
        self.patch = patch
        self.dim = dim
        self.feature_dim = dim
        self.proj = nn.Conv2d(3, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.grid ** 2, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def embed(self, x):
        return self.proj(x).flatten(2).transpose(1, 2) + self.pos_embed[:, 1:]

    def encode(self, t):
        cls = (self.cls_token + self.pos_embed[:, :1]).expand(t.shape[0], -1, -1)
        x = torch.cat([cls, t], 1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def forward(self, x):
        return self.encode(self.embed(x))[:, 0]


def make_backbone(c):
    if c["backbone"] == "resnet18":
        return ResNet18(small_stem=c["stem"] == "small")
    return VitTiny(c["resolution"], c["patch"])


# ---------------------------------------------------------------- heads (solo-learn / DINO / MAE)

def projection_mlp(inp, hidden, out, layers):
    mods, width = [], inp
    for _ in range(layers - 1):
        mods += [nn.Linear(width, hidden), nn.BatchNorm1d(hidden), nn.ReLU()]
        width = hidden
    mods.append(nn.Linear(width, out))
    return nn.Sequential(*mods)


class DINOHead(nn.Module):
    """solo-learn DINOHead: MLP (Linear [BN] GELU)* Linear, L2-normalise, weight-normalised prototypes (g fixed at 1)."""

    def __init__(self, inp, hidden, bottleneck, prototypes, layers, use_bn, norm_last_layer):
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


def sincos_2d(dim, grid):
    def one(d, pos):
        omega = 1.0 / 10000 ** (torch.arange(d // 2, dtype=torch.float64) / (d / 2.0))
        out = pos.reshape(-1, 1) * omega.reshape(1, -1)
        return torch.cat([torch.sin(out), torch.cos(out)], 1)

    gh, gw = torch.meshgrid(torch.arange(grid, dtype=torch.float64), torch.arange(grid, dtype=torch.float64), indexing="ij")
    emb = torch.cat([one(dim // 2, gw), one(dim // 2, gh)], 1)
    return torch.cat([torch.zeros(1, dim, dtype=torch.float64), emb], 0).float()


class MaeDecoder(nn.Module):
    """MAE models_mae.py decoder."""

    def __init__(self, enc_dim, grid, patch, dim, depth, heads):
        super().__init__()
        self.decoder_embed = nn.Linear(enc_dim, dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.register_buffer("decoder_pos_embed", sincos_2d(dim, grid).unsqueeze(0))
        self.decoder_blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.decoder_norm = nn.LayerNorm(dim, eps=1e-6)
        self.decoder_pred = nn.Linear(dim, patch * patch * 3)

    def forward(self, x, ids_restore):
        x = self.decoder_embed(x)
        mask_tokens = self.mask_token.repeat(x.shape[0], ids_restore.shape[1] + 1 - x.shape[1], 1)
        x_ = torch.cat([x[:, 1:, :], mask_tokens], dim=1)
        x_ = torch.gather(x_, dim=1, index=ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1, :], x_], dim=1) + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:, :]


# ---------------------------------------------------------------- losses (solo-learn / MAE)

def simclr_loss(z1, z2, temperature):
    """solo-learn simclr_loss_func (single process)."""
    z = F.normalize(torch.cat([z1, z2]), dim=-1)
    n = z1.shape[0]
    indexes = torch.cat([torch.arange(n), torch.arange(n)]).unsqueeze(0)
    sim = torch.exp(torch.einsum("if, jf -> ij", z, z) / temperature)
    pos_mask = indexes.t() == indexes
    pos_mask.fill_diagonal_(0)
    neg_mask = indexes.t() != indexes
    pos = torch.sum(sim * pos_mask, 1)
    neg = torch.sum(sim * neg_mask, 1)
    return -(torch.mean(torch.log(pos / (pos + neg))))


def byol_loss(p, z):
    p = F.normalize(p, dim=-1)
    z = F.normalize(z, dim=-1)
    return 2 - 2 * (p * z.detach()).sum(dim=1).mean()


def barlow_loss_tuned(z1, z2, lamb, scale):
    """facebookresearch/barlowtwins main.py: in-place on the diagonal, the off-diagonal entries through a strided view."""
    n, d = z1.size()
    bn = nn.BatchNorm1d(d, affine=False)
    corr = bn(z1).T @ bn(z2) / n
    on_diag = torch.diagonal(corr).add_(-1).pow_(2).sum()
    off_diag = corr.flatten()[:-1].view(d - 1, d + 1)[:, 1:].flatten().pow_(2).sum()
    return scale * (on_diag + lamb * off_diag)


def barlow_loss(z1, z2, lamb, scale):
    n, d = z1.size()
    bn = nn.BatchNorm1d(d, affine=False)
    z1 = bn(z1)
    z2 = bn(z2)
    corr = torch.einsum("bi, bj -> ij", z1, z2) / n
    diag = torch.eye(d)
    cdif = (corr - diag).pow(2)
    cdif[~diag.bool()] *= lamb
    return scale * cdif.sum()


def dino_loss(student, teacher, center, st, tt):
    """solo-learn DINOLoss.forward (2 global crops, no local crops)."""
    s = [x / st for x in student]
    q = [F.softmax((t - center) / tt, dim=-1).detach() for t in teacher]
    total, terms = 0, 0
    for iq, qq in enumerate(q):
        for iv, v in enumerate(s):
            if iv == iq:
                continue
            total = total + torch.sum(-qq * F.log_softmax(v, dim=-1), dim=-1).mean()
            terms += 1
    return total / terms


def patchify(imgs, p):
    h = w = imgs.shape[2] // p
    x = imgs.reshape(imgs.shape[0], 3, h, p, w, p)
    x = torch.einsum("nchpwq->nhwpqc", x)
    return x.reshape(imgs.shape[0], h * w, p ** 2 * 3)


def mae_loss(imgs, pred, mask, p, norm_pix):
    target = patchify(imgs, p)
    if norm_pix:
        mean = target.mean(dim=-1, keepdim=True)
        var = target.var(dim=-1, keepdim=True)
        target = (target - mean) / (var + 1.e-6) ** .5
    loss = ((pred - target) ** 2).mean(dim=-1)
    return (loss * mask).sum() / mask.sum()


def random_masking(x, ratio):
    n, l, d = x.shape
    keep = int(l * (1 - ratio))
    noise = torch.rand(n, l)
    ids_shuffle = torch.argsort(noise, dim=1)
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    x_masked = torch.gather(x, dim=1, index=ids_shuffle[:, :keep].unsqueeze(-1).repeat(1, 1, d))
    mask = torch.ones([n, l])
    mask[:, :keep] = 0
    return x_masked, torch.gather(mask, dim=1, index=ids_restore), ids_restore


# ---------------------------------------------------------------- optimisers

class LARS(torch.optim.Optimizer):
    """solo-learn solo/utils/lars.py (clip_lr off)."""

    def __init__(self, params, lr, momentum=0, weight_decay=0, eta=1e-3, eps=1e-8, exclude_bias_n_norm=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay, eta=eta, eps=eps,
                                      exclude_bias_n_norm=exclude_bias_n_norm))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            wd, momentum = group["weight_decay"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                p_norm = torch.norm(p.data)
                g_norm = torch.norm(p.grad.data)
                if p.ndim != 1 or not group["exclude_bias_n_norm"]:
                    if p_norm != 0 and g_norm != 0:
                        lars_lr = p_norm / (g_norm + p_norm * wd + group["eps"])
                        lars_lr *= group["eta"]
                        d_p = d_p.add(p, alpha=wd)
                        d_p *= lars_lr
                if momentum != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        buf = state["momentum_buffer"] = torch.clone(d_p).detach()
                    else:
                        buf = state["momentum_buffer"]
                        buf.mul_(momentum).add_(d_p)
                    d_p = buf
                p.add_(d_p, alpha=-group["lr"])


def make_optimizer(model, c):
    """The method's default optimiser with the workbook's settings (config.json's method and optimizer keys, learning rate per 256 images)."""
    p = c["params"]
    trainable = [q for q in model.parameters() if q.requires_grad]
    lr = p["learning_rate"] * (c["batch"] / 256.0 if p["scale_lr_with_batch"] else 1.0)
    if p["kind"] == "lars":
        return LARS(trainable, lr=lr, momentum=p["momentum"], weight_decay=p["weight_decay"], eta=p["lars_eta"],
                    eps=p["lars_eps"], exclude_bias_n_norm=p["exclude_bias_and_norm"])
    if p["exclude_bias_and_norm"]:
        groups = [{"params": [q for q in trainable if q.ndim > 1], "weight_decay": p["weight_decay"]},
                  {"params": [q for q in trainable if q.ndim <= 1], "weight_decay": 0.0}]
    else:
        groups = [{"params": trainable, "weight_decay": p["weight_decay"]}]
    if p["kind"] == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=p["momentum"])
    return torch.optim.AdamW(groups, lr=lr, betas=(p["beta1"], p["beta2"]), eps=p["adam_eps"])


# ---------------------------------------------------------------- one method's training step

# The methods transcribed below. The C# side learns a method from its registry; this file does not, so a name it has no
# model and loss for must stop the benchmark instead of timing some other network under that name.
METHODS = ("simclr", "barlow", "byol", "dino", "mae", "supervised")


class Method:
    def __init__(self, c):
        self.c = c
        self.tuned = c.get("variant", "tuned") == "tuned"
        # What a PyTorch user does to get oneDNN's NHWC kernels: the model in channels-last once, each batch as it comes.
        self.channels_last = self.tuned and c["backbone"] == "resnet18"
        name = c["method"]
        if name not in METHODS:
            raise ValueError(f"pytorch_reference.py has no PyTorch transcription of method '{name}' (it has: {', '.join(METHODS)}); "
                             f"add its model to Method.__init__ and its loss to Method.loss, or leave it out with --methods")
        self.name = name
        m = nn.Module()
        m.backbone = make_backbone(c)
        fd = m.backbone.feature_dim
        p = c["params"]
        if name in ("simclr", "barlow"):
            m.projector = projection_mlp(fd, p["projector_hidden_dim"], p["projector_output_dim"], p["projector_layers"])
        elif name == "byol":
            m.projector = projection_mlp(fd, p["projector_hidden_dim"], p["projector_output_dim"], p["projector_layers"])
            m.predictor = projection_mlp(p["projector_output_dim"], p["predictor_hidden_dim"], p["projector_output_dim"], 2)
        elif name == "dino":
            m.head = self._dino_head(fd, p)
            m.register_buffer("center", torch.zeros(1, p["dino_prototypes"]))
        elif name == "mae":
            vit = m.backbone
            m.decoder = MaeDecoder(vit.dim, vit.grid, vit.patch, p["mae_decoder_dim"], p["mae_decoder_depth"], p["mae_decoder_heads"])
        elif name == "supervised":
            m.head = nn.Linear(fd, 1)
        self.teachers = []
        if name == "byol":
            self._teacher(m, "backbone", make_backbone(c))
            self._teacher(m, "projector", projection_mlp(fd, p["projector_hidden_dim"], p["projector_output_dim"], p["projector_layers"]))
        if name == "dino":
            self._teacher(m, "backbone", make_backbone(c))
            self._teacher(m, "head", self._dino_head(fd, p))
        self.m = m.train()
        if self.channels_last:
            self.m.to(memory_format=torch.channels_last)
        self.opt = make_optimizer(m, c)
        self.tau = p.get("ema_base")  # teacher methods only (BYOL, DINO)
        self.step_index = 0

    @staticmethod
    def _dino_head(fd, p):
        return DINOHead(fd, p["dino_hidden_dim"], p["dino_bottleneck_dim"], p["dino_prototypes"], p["dino_head_layers"],
                        p["dino_head_batch_norm"], p["dino_norm_last_layer"])

    def _teacher(self, m, key, module):
        module.load_state_dict(getattr(m, key).state_dict())
        for q in module.parameters():
            q.requires_grad = False
        m.add_module(f"teacher_{key}", module)
        self.teachers.append(key)

    def loss(self, views, labels):
        """Forward of every view (and the teacher's) and the loss."""
        m, p, name = self.m, self.c["params"], self.name
        if self.channels_last:
            views = [v.contiguous(memory_format=torch.channels_last) for v in views]
        if name == "simclr":
            z = [m.projector(m.backbone(v)) for v in views]
            return simclr_loss(z[0], z[1], p["temperature"])
        if name == "barlow":
            z = [m.projector(m.backbone(v)) for v in views]
            loss = barlow_loss_tuned if self.tuned else barlow_loss
            return loss(z[0], z[1], p["barlow_lambda"], p["barlow_scale"])
        if name == "byol":
            z = [m.projector(m.backbone(v)) for v in views]
            pr = [m.predictor(zz) for zz in z]
            with torch.no_grad():
                t = [m.teacher_projector(m.teacher_backbone(v)) for v in views]
            return byol_loss(pr[1], t[0]) + byol_loss(pr[0], t[1])
        if name == "dino":
            s = [m.head(m.backbone(v)) for v in views]
            with torch.no_grad():
                t = [m.teacher_head(m.teacher_backbone(v)) for v in views[:2]]
            loss = dino_loss(s, t, m.center, p["dino_student_temperature"], p["dino_teacher_temperature"])
            with torch.no_grad():
                tc = torch.cat(t)
                batch_center = torch.sum(tc, dim=0, keepdim=True) / len(tc)
                m.center.copy_(m.center * p["dino_center_momentum"] + batch_center * (1 - p["dino_center_momentum"]))
            return loss
        if name == "mae":
            vit = m.backbone
            x, mask, restore = random_masking(vit.embed(views[0]), p["mask_ratio"])
            pred = m.decoder(vit.encode(x), restore)
            return mae_loss(views[0], pred, mask, vit.patch, p["mae_norm_pix_loss"])
        logits = m.head(m.backbone(views[0])).squeeze(1)
        return F.binary_cross_entropy_with_logits(logits, labels, pos_weight=torch.tensor([p["pos_weight"]]))

    def backward(self, loss):
        self.opt.zero_grad(set_to_none=True)
        loss.backward()

    def ema(self):
        if self.teachers:
            with torch.no_grad():
                for key in self.teachers:
                    for sp, tp in zip(getattr(self.m, key).parameters(), getattr(self.m, f"teacher_{key}").parameters()):
                        if self.tuned:
                            tp.lerp_(sp, 1 - self.tau)
                        else:
                            tp.mul_(self.tau).add_(sp, alpha=1 - self.tau)

    def step(self, views, labels):
        """One training step as a solo-learn/MAE loop does it; returns the loss value (logged every step)."""
        loss = self.loss(views, labels)
        value = loss.item()
        self.backward(loss)
        self.opt.step()
        self.ema()
        self.step_index += 1
        return value

    def profile(self, views, labels, steps):
        """Median milliseconds per phase over `steps` steps (after one warm-up step)."""
        phases = {k: [] for k in ("forward", "readback", "backward", "optimizer", "ema", "total")}
        for k in range(steps + 1):
            t = [time.perf_counter()]
            loss = self.loss(views, labels)
            t.append(time.perf_counter())
            loss.item()
            t.append(time.perf_counter())
            self.backward(loss)
            t.append(time.perf_counter())
            self.opt.step()
            t.append(time.perf_counter())
            self.ema()
            t.append(time.perf_counter())
            if k == 0:
                continue
            for i, name in enumerate(("forward", "readback", "backward", "optimizer", "ema")):
                phases[name].append((t[i + 1] - t[i]) * 1000)
            phases["total"].append((t[-1] - t[0]) * 1000)
        return {k: sorted(v)[len(v) // 2] if len(v) % 2 else (sorted(v)[len(v) // 2 - 1] + sorted(v)[len(v) // 2]) / 2 for k, v in phases.items()}


def count(module, trainable_only):
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


# ---------------------------------------------------------------- augmentation (torchvision on PIL, solo-learn style)

class PilGaussianBlur:
    """solo-learn's GaussianBlur on PIL images (ImageFilter with a random radius)."""

    def __init__(self, sigma):
        self.sigma = sigma

    def __call__(self, img):
        from PIL import ImageFilter
        import random
        return img.filter(ImageFilter.GaussianBlur(radius=random.uniform(*self.sigma)))


def view_transform(v):
    return T.Compose([
        T.RandomResizedCrop(v["size"], scale=(v["crop_min_scale"], v["crop_max_scale"]), interpolation=InterpolationMode.BILINEAR),
        T.RandomApply([T.ColorJitter(v["brightness"], v["contrast"], v["saturation"], v["hue"])], p=v["jitter_p"]),
        T.RandomGrayscale(p=v["grayscale_p"]),
        T.RandomApply([PilGaussianBlur((v["blur_sigma_min"], v["blur_sigma_max"]))], p=v["blur_p"]),
        T.RandomSolarize(threshold=128, p=v["solarize_p"]),
        T.RandomHorizontalFlip(p=v["flip_p"]),
        T.ToTensor(),
        T.Normalize(v["mean"], v["std"]),
    ])


# ---------------------------------------------------------------- protocol

STATE = {}


def synthetic_views(c):
    g = torch.Generator().manual_seed(1)
    n, r = c["batch"], c["resolution"]
    return [torch.randn(n, 3, r, r, generator=g) for _ in range(c["views"])], (torch.rand(n, generator=g) < 0.3).float()


def loaded_blas_libraries():
    """The BLAS shared objects actually mapped (Debian's libblas.so.3 is an alternative: reference or OpenBLAS)."""
    try:
        with open("/proc/self/maps") as maps:
            return sorted({line.split()[-1] for line in maps if "blas" in line.lower() and line.rstrip().endswith((".so", ".so.0", ".so.3"))})
    except OSError:
        return []


def apply_malloc_tuning(m):
    """glibc mallopt with the workbook's values (lib/SslAnomaly/Native/NativeAllocator.cs); None: left at glibc's defaults."""
    if not m:
        return None
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        # M_TRIM_THRESHOLD -1, M_TOP_PAD -2, M_MMAP_THRESHOLD -3; mallopt returns 1 on success.
        return all(libc.mallopt(k, m[name]) == 1 for k, name in ((-3, "mmap_threshold"), (-1, "trim_threshold"), (-2, "top_pad")))
    except (OSError, AttributeError):
        return False


def relative_error(value, reference):
    """Largest |value - reference| over the reference's largest magnitude; inf where value is not finite."""
    if not torch.isfinite(value).all():
        return math.inf
    return ((value.double() - reference).abs().max() / reference.abs().max().clamp_min(1e-12)).item()


def backbone_kernel_check(backbone, images, channels_last, tolerance=1e-3):
    """The reference's side of the workbook's kernel check, op by op as the workbook's: every distinct convolution, batch
    norm, linear layer and layer norm the backbone runs (shape, memory format, training mode), in fp32 as the script runs
    it against a float64 copy on the same random input and upstream gradient (float64 kernels do not go through oneDNN);
    errors relative to the reference's largest magnitude. With oneDNN on and, for a failing op, off."""
    import copy
    kinds = (nn.Conv2d, nn.BatchNorm2d, nn.Linear, nn.LayerNorm)
    seen, hooks = {}, []

    def record(module, inputs):
        x = inputs[0]
        fmt = "channels_last" if x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous() else "contiguous"
        key = (repr(module), tuple(x.shape), fmt, module.training)
        seen.setdefault(key, (module, tuple(x.shape), fmt))

    for module in backbone.modules():
        if isinstance(module, kinds):
            hooks.append(module.register_forward_pre_hook(record))
    state = copy.deepcopy(backbone.state_dict())
    with torch.no_grad():
        backbone(images.contiguous(memory_format=torch.channels_last) if channels_last else images)
    for h in hooks:
        h.remove()
    backbone.load_state_dict(state)

    generator = torch.Generator().manual_seed(5)
    failures, worst = [], 0.0
    for (description, shape, fmt, training), (module, _, _) in seen.items():
        op = f"{type(module).__name__} {list(shape)} {fmt} {'train' if training else 'eval'}"
        x = torch.randn(shape, generator=generator)
        upstream = None
        results = {}
        for name, enabled in (("mkldnn", True), ("no_mkldnn", False)):
            fp32 = copy.deepcopy(module).float().train(training)
            xi = (x.contiguous(memory_format=torch.channels_last) if fmt == "channels_last" else x.clone()).requires_grad_(True)
            with torch.backends.mkldnn.flags(enabled=enabled):
                y = fp32(xi)
                if upstream is None:
                    upstream = torch.randn(y.shape, generator=generator)
                (y * upstream).sum().backward()
            ref = copy.deepcopy(module).double().train(training)
            xr = x.double().requires_grad_(True)
            yr = ref(xr)
            (yr * upstream.double()).sum().backward()
            errors = [relative_error(y.detach(), yr.detach()), relative_error(xi.grad, xr.grad)]
            errors += [relative_error(p.grad, q.grad) for p, q in zip(fp32.parameters(), ref.parameters())]
            results[name] = max(errors)
            if results[name] <= tolerance:
                break
        worst = max(worst, results["mkldnn"])
        if results["mkldnn"] > tolerance:
            failures.append({"op": op, "mkldnn": results["mkldnn"], "no_mkldnn": results.get("no_mkldnn")})
    return {"tolerance": tolerance, "ops_checked": len(seen), "worst_error": worst, "passed": not failures, "failures": failures,
            "timed_with": "mkldnn" if not failures else "no_mkldnn"}


def handle(cmd):
    op = cmd["op"]
    if op == "hello":
        if cmd.get("interop_threads"):
            try:  # only possible before the first inter-op work, which is why hello comes first
                torch.set_num_interop_threads(cmd["interop_threads"])
            except RuntimeError:
                pass
        torch.set_num_threads(cmd["threads"])
        malloc = apply_malloc_tuning(cmd.get("malloc"))
        blas = [line.strip() for line in torch.__config__.show().splitlines() if "BLAS_INFO" in line]
        return {"torch": torch.__version__, "torchvision": getattr(torchvision, "__version__", None),
                "pil": getattr(Image, "__version__", None), "python": platform.python_version(),
                "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
                "mkldnn": torch.backends.mkldnn.is_available(), "mkldnn_enabled": torch.backends.mkldnn.enabled,
                "malloc_tuning": malloc,
                "blas": blas[0].split("BLAS_INFO=")[1].split(",")[0] if blas else None,
                "blas_libraries": loaded_blas_libraries()}
    if op == "gemm":
        # fp32 peak through torch.mm (BLAS): the best of `reps` products of two n x n matrices at `threads` threads.
        n, previous = cmd["n"], torch.get_num_threads()
        torch.set_num_threads(cmd["threads"])
        a, b = torch.randn(n, n), torch.randn(n, n)
        torch.mm(a, b)
        best = math.inf
        for _ in range(cmd["reps"]):
            start = time.perf_counter()
            torch.mm(a, b)
            best = min(best, time.perf_counter() - start)
        torch.set_num_threads(previous)
        return {"gflops": 2.0 * n ** 3 / best / 1e9, "seconds": best}
    if op == "train_setup":
        variant = cmd.get("variant", "tuned")
        STATE.setdefault("train", {}).pop(variant, None)
        gc.collect()
        torch.manual_seed(0)
        method = Method(cmd)
        views, labels = synthetic_views(cmd)
        STATE["train"][variant] = (method, views, labels)
        return {"parameters": count(method.m, False), "trainable": count(method.m, True)}
    if op == "kernel_check":
        method, views, labels = STATE["train"][cmd.get("variant", "tuned")]
        verdict = backbone_kernel_check(method.m.backbone, views[0], method.channels_last)
        # A wrong fp32 backbone is timed with oneDNN off (right on every CPU seen), never as itself.
        method.mkldnn = verdict["passed"]
        return verdict
    if op == "train_run":
        method, views, labels = STATE["train"][cmd.get("variant", "tuned")]
        loss = float("nan")
        start, cpu = time.perf_counter(), time.process_time()
        with torch.backends.mkldnn.flags(enabled=getattr(method, "mkldnn", True)):
            for _ in range(cmd["steps"]):
                loss = method.step(views, labels)
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "loss": loss}
    if op == "train_profile":
        method, views, labels = STATE["train"][cmd.get("variant", "tuned")]
        return method.profile(views, labels, cmd["steps"])
    if op in ("train_free", "extract_free"):
        for k in ("train", "extract"):
            STATE.pop(k, None)
        gc.collect()
        return {}
    if op == "extract_setup":
        # The probe phase's feature extraction: the backbone alone, eval mode, no gradients, large batches.
        variant = cmd.get("variant", "tuned")
        STATE.setdefault("extract", {}).pop(variant, None)
        gc.collect()
        torch.manual_seed(0)
        model = make_backbone(cmd).eval()
        x = torch.randn(cmd["batch"], 3, cmd["resolution"], cmd["resolution"], generator=torch.Generator().manual_seed(1))
        channels_last = variant == "tuned" and cmd["backbone"] == "resnet18"
        if channels_last:
            model.to(memory_format=torch.channels_last)
        STATE["extract"][variant] = (model, x, channels_last)
        return {"parameters": count(model, False)}
    if op == "extract_run":
        model, x, channels_last = STATE["extract"][cmd.get("variant", "tuned")]
        start, cpu = time.perf_counter(), time.process_time()
        with torch.no_grad():
            for _ in range(cmd["batches"]):
                batch = x.contiguous(memory_format=torch.channels_last) if channels_last else x  # as each batch arrives
                features = model(batch).numpy().copy()  # rows into host memory, as the workbook's FeatureSet holds them
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "shape": list(features.shape)}
    if op == "augment_setup":
        if torchvision is None or Image is None:
            return {"error": "torchvision or PIL is not installed"}
        import random
        random.seed(0)
        torch.manual_seed(0)
        g = torch.Generator().manual_seed(2)
        r = cmd["resolution"]
        # Smooth random RGB images (upsampled noise), as PIL images like a Dataset would hand out.
        small = torch.rand(cmd["batch"], 3, max(2, r // 8), max(2, r // 8), generator=g)
        imgs = F.interpolate(small, size=(r, r), mode="bilinear", align_corners=False).clamp(0, 1)
        STATE["pil"] = [Image.fromarray((x.permute(1, 2, 0) * 255).round().byte().numpy()) for x in imgs]
        STATE["transforms"] = [view_transform(v) for v in cmd["views"]]
        return {}
    if op == "augment_run":
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(cmd["batches"]):
            batch = [torch.stack([t(img) for img in STATE["pil"]]) for t in STATE["transforms"]]
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "shape": list(batch[0].shape)}
    if op == "decode_setup":
        STATE["files"] = list(cmd["files"])
        STATE["size"] = (cmd["width"], cmd["height"])
        return {}
    if op == "decode_run":
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(cmd["passes"]):
            for path in STATE["files"]:
                img = Image.open(path)
                img.draft("RGB", STATE["size"])  # JPEG: decode at a reduced scale when possible (as our decoder does)
                img = img.convert("RGB").resize(STATE["size"], Image.BILINEAR)
        return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}
    if op == "rss":
        return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
    if op == "quit":
        return {"bye": True}
    return {"error": f"unknown op {op}"}


def main():
    out = sys.stdout
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
            reply = handle(cmd)
        except Exception as e:  # report, keep serving
            import traceback
            reply = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-2000:]}
        out.write(json.dumps(reply) + "\n")
        out.flush()
        if cmd.get("op") == "quit":
            break


if __name__ == "__main__":
    main()
