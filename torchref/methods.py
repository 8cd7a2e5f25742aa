"""Each method's model and training loss, by the workbook's method names (lib/SslAnomaly/Methods/MethodRegistry.cs) and
the keys of config.json's "method" section (projector_hidden_dim, temperature, ...): `p` below is that section.

A model is one nn.Module holding `backbone`, the method's heads, DINO's `center` buffer and the teachers
(teacher.py), so that its state_dict and parameters cover everything a step changes.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .heads import DINOHead, projection_mlp
from .losses import barlow_loss_func, byol_symmetric, dino_loss, dino_update_center, mae_loss, nt_xent
from .mae import MaeDecoder, random_masking
from .teacher import add_teacher

# The methods transcribed here. The C# side learns a method from its registry; this package does not, so a name it has
# no model and loss for must stop its caller instead of running some other network under that name.
METHODS = ("simclr", "barlow", "byol", "dino", "mae", "supervised")


def require_known(name):
    if name not in METHODS:
        raise ValueError(f"torchref has no PyTorch transcription of method '{name}' (it has: {', '.join(METHODS)}); "
                         f"add its model to build() and its loss to training_loss() in torchref/methods.py")


def _projector(fd, p):
    return projection_mlp(fd, p["projector_hidden_dim"], p["projector_output_dim"], p["projector_layers"])


def _dino_head(fd, p):
    return DINOHead(fd, p["dino_hidden_dim"], p["dino_bottleneck_dim"], p["dino_prototypes"], p["dino_head_layers"],
                    p["dino_head_batch_norm"], p["dino_norm_last_layer"])


def build(name, new_backbone, p):
    """The model of method `name` on backbones made by new_backbone() (called again for a teacher), in train mode.

    The backbone needs feature_dim (and, for MAE, a VitTiny's embed/encode, dim, grid and patch)."""
    require_known(name)
    m = nn.Module()
    m.backbone = new_backbone()
    fd = m.backbone.feature_dim
    if name in ("simclr", "barlow"):
        m.projector = _projector(fd, p)
    elif name == "byol":
        m.projector = _projector(fd, p)
        m.predictor = projection_mlp(p["projector_output_dim"], p["predictor_hidden_dim"], p["projector_output_dim"], 2)
    elif name == "dino":
        m.head = _dino_head(fd, p)
        m.register_buffer("center", torch.zeros(1, p["dino_prototypes"]))
    elif name == "mae":
        vit = m.backbone
        m.decoder = MaeDecoder(vit.dim, vit.grid, vit.patch, p["mae_decoder_dim"], p["mae_decoder_depth"], p["mae_decoder_heads"])
    elif name == "supervised":
        m.head = nn.Linear(fd, 1)
    if name == "byol":
        add_teacher(m, "backbone", new_backbone())
        add_teacher(m, "projector", _projector(fd, p))
    if name == "dino":
        add_teacher(m, "backbone", new_backbone())
        add_teacher(m, "head", _dino_head(fd, p))
    return m.train()


def training_loss(name, m, views, labels, p, barlow_loss=barlow_loss_func, generator=None):
    """Every view's forward (the teacher's under no_grad) and the method's loss, as one solo-learn / MAE training step
    computes it before backward. DINO also moves m.center here, as solo-learn's DINO does after its loss.

    views: the method's augmented batches (DINO: 2 global crops, then any local ones); labels: the defect labels
    (supervised only); barlow_loss: which transcription of the Barlow Twins loss; generator: MAE's masking noise."""
    require_known(name)
    if name == "simclr":
        z = [m.projector(m.backbone(v)) for v in views]
        return nt_xent(z[0], z[1], p["temperature"])
    if name == "barlow":
        z = [m.projector(m.backbone(v)) for v in views]
        return barlow_loss(z[0], z[1], p["barlow_lambda"], p["barlow_scale"])
    if name == "byol":
        z = [m.projector(m.backbone(v)) for v in views]
        pr = [m.predictor(zz) for zz in z]
        with torch.no_grad():
            t = [m.teacher_projector(m.teacher_backbone(v)) for v in views]
        return byol_symmetric(pr[0], pr[1], t[0], t[1])
    if name == "dino":
        s = [m.head(m.backbone(v)) for v in views]
        with torch.no_grad():
            t = torch.cat([m.teacher_head(m.teacher_backbone(v)) for v in views[:2]])
        loss = dino_loss(torch.cat(s), t, m.center, p["dino_student_temperature"], p["dino_teacher_temperature"], len(views))
        with torch.no_grad():
            m.center.copy_(dino_update_center(m.center, t, p["dino_center_momentum"]))
        return loss
    if name == "mae":
        vit = m.backbone
        x, mask, restore = random_masking(vit.embed(views[0]), p["mask_ratio"], generator)
        pred = m.decoder(vit.encode(x), restore)
        return mae_loss(views[0], pred, mask, vit.patch, p["mae_norm_pix_loss"])
    logits = m.head(m.backbone(views[0])).squeeze(1)
    pos_weight = torch.tensor([p["pos_weight"]], dtype=logits.dtype)
    return F.binary_cross_entropy_with_logits(logits, labels, pos_weight=pos_weight)
